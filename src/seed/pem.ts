// A PKCS#8 PEM private key as a JWK, with WebCrypto (Node and browsers alike), for seeding. WebCrypto
// knows RSA and the NIST curves; a secp256k1 (P-256K) key must be given as a JWK instead.

const EC_CURVES = ["P-256", "P-384", "P-521"] as const;

function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  const m = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!m) {
    if (/BEGIN (RSA|EC) PRIVATE KEY/.test(pem))
      throw new Error("the PEM key must be PKCS#8 (BEGIN PRIVATE KEY); convert it with `openssl pkcs8 -topk8 -nocrypt`");
    throw new Error("pem must hold a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
  }
  const b64 = m[1]!.replace(/\s+/g, "");
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function pemToJwk(pem: string): Promise<Record<string, unknown>> {
  const der = pemBody(pem);
  const attempts: (RsaHashedImportParams | EcKeyImportParams)[] = [
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    ...EC_CURVES.map((namedCurve) => ({ name: "ECDSA", namedCurve })),
  ];
  for (const alg of attempts) {
    try {
      const key = await crypto.subtle.importKey("pkcs8", der, alg, true, ["sign"]);
      const jwk = (await crypto.subtle.exportKey("jwk", key)) as Record<string, unknown>;
      for (const m of ["alg", "ext", "key_ops", "use"]) delete jwk[m];
      return jwk;
    } catch {
      // not this algorithm
    }
  }
  throw new Error("the PEM key is not an RSA or NIST-curve (P-256, P-384, P-521) private key");
}
