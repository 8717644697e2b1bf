// Run as a child process (a credential picks its managed-identity source once per process, and
// NODE_EXTRA_CA_CERTS must be set before start): gets a token with the credential named in argv[2],
// then lists keys with KeyClient against the vault in argv[3]. Prints one JSON line.
import { ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import { KeyClient } from "@azure/keyvault-keys";

const [kind, vaultUrl, tenant, clientId, secret, authorityHost] = process.argv.slice(2);
const credential =
  kind === "client-secret"
    ? new ClientSecretCredential(tenant, clientId, secret, { authorityHost, disableInstanceDiscovery: true })
    : new ManagedIdentityCredential();
try {
  const token = await credential.getToken("https://vault.azure.net/.default");
  const client = new KeyClient(vaultUrl, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
  const key = await client.createEcKey(`made-with-${kind}`, { curve: "P-256" });
  console.log(JSON.stringify({ ok: true, token: token.token, expiresOnTimestamp: token.expiresOnTimestamp, kid: key.id }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err?.message ?? err).slice(0, 500) }));
}
