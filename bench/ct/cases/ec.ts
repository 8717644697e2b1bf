// ECDSA P-256 signing through Hsm.sign: a fixed key against random keys, over random digests.
import crypto from "node:crypto";
import type { EcJwk, KeyHandle } from "../../../src/engine/index.js";
import { againstFirst, type CtCase } from "../measure.js";
import type { CaseEnv } from "./env.js";

export function ecCases({ hsm }: CaseEnv): CtCase[] {
  const newJwk = () => p256Jwk() as EcJwk;
  const fixed = newJwk();
  // As for AES: each measurement imports its key first and destroys it after (not timed), so
  // that both classes share slots, memory and host path. The digest is random in both.
  const sign: CtCase<{ h: KeyHandle; digest: Uint8Array }> = {
    name: "p256.sign.ES256",
    what: "fixed key vs random keys (random digests)",
    classes: ["fixed key", "random key"],
    comparisons: againstFirst(2),
    prepare: (cls) => ({ h: hsm.importEc(cls === 0 ? fixed : newJwk()), digest: crypto.randomBytes(32) }),
    run: ({ h, digest }) => hsm.sign(h, "ES256", digest),
    cleanup: ({ h }) => hsm.destroy(h),
  };
  return [sign];
}

/**
 * A fresh P-256 key pair as a JWK, from crypto.createECDH: generateKeyPairSync followed by a JWK
 * export deadlocks Node 20 now and then, when a garbage collection runs inside the export (the
 * collector destroys an earlier KeyGenJob, which waits for a mutex the export holds).
 */
export function p256Jwk(): EcJwk {
  const ecdh = crypto.createECDH("prime256v1");
  const pub = ecdh.generateKeys(); // 0x04 || x || y
  const d = Buffer.alloc(32);
  const raw = ecdh.getPrivateKey();
  raw.copy(d, 32 - raw.length);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");
  return { kty: "EC", crv: "P-256", x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33, 65)), d: b64(d) };
}
