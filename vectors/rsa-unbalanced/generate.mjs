// Generates RSA keys whose primes differ as widely in size as import allows (each prime at least
// ceil(bits(n)/3) bits: assembly/rsa/import.ts), from node:crypto primes with BigInt arithmetic,
// written to keys.json as JWKs. Such keys exercise the CRT code at its largest limb counts for each
// modulus size (assembly/bn/mont-pair.ts). Run: node vectors/rsa-unbalanced/generate.mjs
import { generatePrimeSync } from "node:crypto";
import { writeFileSync } from "node:fs";

const E = 65537n;
const b64u = (x) => {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, "hex").toString("base64url");
};
const bits = (x) => x.toString(2).length;
function modInv(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return ((s0 % m) + m) % m;
}

function key(nBits, pBits) {
  for (;;) {
    const p = generatePrimeSync(pBits, { bigint: true });
    const q = generatePrimeSync(nBits - pBits, { bigint: true });
    const n = p * q;
    if (bits(n) !== nBits || (p - 1n) % E === 0n || (q - 1n) % E === 0n) continue;
    const d = modInv(E, (p - 1n) * (q - 1n));
    return {
      kty: "RSA", n: b64u(n), e: b64u(E), d: b64u(d), p: b64u(p), q: b64u(q),
      dp: b64u(d % (p - 1n)), dq: b64u(d % (q - 1n)), qi: b64u(modInv(q, p)),
    };
  }
}

const keys = [
  { nBits: 2048, pBits: 2048 - 683 },
  { nBits: 4096, pBits: 4096 - 1366 },
].map(({ nBits, pBits }) => ({ nBits, pBits, qBits: nBits - pBits, jwk: key(nBits, pBits) }));
writeFileSync(new URL("./keys.json", import.meta.url), `${JSON.stringify({ source: "vectors/rsa-unbalanced/generate.mjs (node:crypto primes)", keys }, null, 2)}\n`);
