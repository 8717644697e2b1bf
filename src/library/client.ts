// What an Azure SDK client needs to talk to the emulator, made from the two facts a test runner can
// pass between processes (the URL and the certificate, both strings): a credential the emulator
// accepts and the client options. The types are written out here, structurally compatible with
// @azure/core-auth's TokenCredential and the clients' options, so that the package needs no Azure
// package at run time nor in its .d.ts.

/** What a test runner passes from its global set-up to the test files (JSON-serialisable). */
export interface EmulatorConnection {
  /** The vault URL for KeyClient and the other clients. */
  url: string;
  /** The certificate the emulator serves, PEM. */
  certificate: string;
}

/** A TokenCredential (@azure/core-auth): the emulator accepts any well-formed bearer token. */
export interface EmulatorCredential {
  getToken(scopes: string | string[], options?: unknown): Promise<{ token: string; expiresOnTimestamp: number }>;
}

/** Options for KeyClient, CryptographyClient, SecretClient and CertificateClient. */
export interface EmulatorClientOptions {
  /** The challenge names https://vault.azure.net (or --auth-resource), not the emulator's host. */
  disableChallengeResourceVerification: true;
  /** Trust the emulator's certificate, for this client only (it replaces the default CAs). */
  tlsOptions: { ca: string };
}

export interface ClientConfig {
  url: string;
  credential: EmulatorCredential;
  clientOptions: EmulatorClientOptions;
}

/** A token lives an hour, as Entra ID's do; the SDK asks again before it expires. */
const TOKEN_LIFETIME_MS = 3600_000;

/** `new KeyClient(c.url, c.credential, c.clientOptions)` works with nothing else. */
export function clientConfig(connection: EmulatorConnection): ClientConfig {
  if (typeof connection?.url !== "string" || typeof connection.certificate !== "string") {
    throw new TypeError("clientConfig needs { url, certificate }, the `connection` of a started emulator");
  }
  return {
    url: connection.url,
    credential: {
      getToken: async () => ({ token: "wasm-hsm-emulator", expiresOnTimestamp: Date.now() + TOKEN_LIFETIME_MS }),
    },
    clientOptions: { disableChallengeResourceVerification: true, tlsOptions: { ca: connection.certificate } },
  };
}
