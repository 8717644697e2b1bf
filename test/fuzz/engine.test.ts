// Fuzzing (issue 15): the core's exports, through the host (every method of Hsm). Arguments have the right
// JavaScript types and hostile values: handles live, stale, destroyed or made up (negative, fractional,
// over 2^31); algorithm and curve names real or not; byte strings of any length and content; JWKs whose
// members are any base64url. Properties: a call returns or throws a typed HsmError with a known code, never
// INSTANCE_LOST (no trap); a failed call leaves no key behind; the engine still computes correctly after.
import * as nc from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CoreStatus } from "../../src/engine/generated/abi.js";
import { Hsm, HsmError } from "../../src/engine/index.js";
import { aesKw } from "../src/vault/node-check.js";
import { ALGS, b64Arb, bytesArb, HASHES, jwkLikeArb } from "./arbitraries.js";

/** Every status of the core, but the two that hostile input must never cause: a failed internal check, an unseeded DRBG. */
const KNOWN = new Set(Object.keys(CoreStatus).filter((c) => c !== "FAULT" && c !== "NOT_SEEDED"));

let hsm: Hsm;
const pool: number[] = [];
let domain: number;
let stale: number;
const kwKey = nc.randomBytes(32);
let kwHandle: number;

beforeAll(async () => {
  hsm = await Hsm.create();
  domain = hsm.generateSealingKey();
  kwHandle = hsm.importOct(new Uint8Array(kwKey));
  const ec = hsm.generateEc("P-256");
  const rsa = hsm.importRsa(nc.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) as never);
  const oct = hsm.generateOct(128);
  const ecPub = hsm.importEcPublic(hsm.publicJwk(ec) as never);
  stale = hsm.generateOct(256);
  hsm.destroy(stale as never);
  pool.push(domain, kwHandle, ec, rsa, oct, ecPub);
});

const handleArb = fc.oneof(
  fc.constantFrom(...[0, 1, -1, 0x7fffffff, 0x80000000, 2 ** 32 + 1, 1.5, Number.NaN, -0x80000000]),
  fc.integer(),
  fc.nat({ max: 0xffff }),
  fc.constant(-2).map(() => stale),
  fc.nat({ max: 5 }).map((i) => pool[i]!),
);
const algArb = fc.oneof(fc.constantFrom(...ALGS), fc.string({ maxLength: 12 }));
const hashArb = fc.oneof(fc.constantFrom(...HASHES), fc.string({ maxLength: 8 }));
const crvArb = fc.oneof(fc.constantFrom("P-256", "P-256K", "P-384", "P-521", "P-224", "secp256k1", ""), fc.string({ maxLength: 8 }));
const smallInt = fc.oneof(
  fc.integer({ min: -5, max: 600 }),
  fc.constantFrom(0, 1, 16, 24, 32, 64, 127, 128, 192, 256, 512, 1024, 65537, 2 ** 31),
);
const optsArb = fc.record({ iv: bytesArb, aad: bytesArb, tag: bytesArb }, { requiredKeys: [] });

/** Each method of Hsm with an arbitrary for its arguments. generateRsa only sees sizes that are refused (valid ones take seconds). */
const CALLS: Record<string, fc.Arbitrary<unknown[]>> = {
  randomBytes: fc.tuple(smallInt),
  digest: fc.tuple(hashArb, bytesArb),
  hmac: fc.tuple(hashArb, bytesArb, bytesArb),
  hkdfSha256: fc.tuple(bytesArb, bytesArb, bytesArb, smallInt),
  keyInfo: fc.tuple(handleArb),
  destroy: fc.tuple(handleArb.filter((h) => !pool.includes(h as number))),
  encrypt: fc.tuple(handleArb, algArb, bytesArb, optsArb),
  decrypt: fc.tuple(handleArb, algArb, bytesArb, optsArb),
  wrapKey: fc.tuple(handleArb, algArb, bytesArb),
  unwrapKey: fc.tuple(handleArb, algArb, bytesArb),
  sign: fc.tuple(handleArb, algArb, bytesArb),
  verify: fc.tuple(handleArb, algArb, bytesArb, bytesArb),
  generateSealingKey: fc.tuple(),
  sealingKeyId: fc.tuple(handleArb),
  exportSealingKey: fc.tuple(handleArb, bytesArb),
  importSealingKey: fc.tuple(bytesArb, bytesArb),
  seal: fc.tuple(handleArb, handleArb),
  unseal: fc.tuple(handleArb, bytesArb),
  backupEncrypt: fc.tuple(handleArb, bytesArb, bytesArb),
  backupDecrypt: fc.tuple(handleArb, bytesArb, bytesArb),
  sealData: fc.tuple(handleArb, bytesArb, bytesArb),
  unsealData: fc.tuple(handleArb, bytesArb, bytesArb),
  generateOct: fc.tuple(smallInt),
  importOct: fc.tuple(bytesArb),
  wrapKeyKwp: fc.tuple(handleArb, bytesArb),
  unwrapKeyKwp: fc.tuple(handleArb, bytesArb),
  generateEc: fc.tuple(crvArb),
  importEc: fc.tuple(jwkLikeArb("EC")),
  importEcPublic: fc.tuple(jwkLikeArb("EC")),
  ecCurve: fc.tuple(handleArb),
  ecdsaSignDigest: fc.tuple(handleArb, hashArb, bytesArb),
  ecdsaVerifyDigest: fc.tuple(handleArb, bytesArb, bytesArb),
  importTransferBlob: fc.tuple(handleArb, bytesArb, fc.record({ kty: fc.constantFrom("RSA", "EC", "oct", "x"), crv: crvArb })),
  publicJwk: fc.tuple(handleArb),
  generateRsa: fc.tuple(
    fc.integer({ min: -1, max: 5000 }).filter((n) => ![2048, 3072, 4096].includes(n)),
    fc.integer(),
  ),
  importRsa: fc.tuple(jwkLikeArb("RSA")),
  importRsaPublic: fc.tuple(jwkLikeArb("RSA")),
  keyCount: fc.tuple(),
  memoryBytes: fc.tuple(),
  ecPublicPoint: fc.tuple(crvArb, b64Arb),
  makeExportable: fc.tuple(handleArb.filter((h) => !pool.includes(h as number))),
  isExportable: fc.tuple(handleArb),
  exportPkcs8: fc.tuple(handleArb),
  releaseKey: fc.tuple(
    handleArb,
    jwkLikeArb("RSA"),
    fc.oneof(fc.constantFrom("CKM_RSA_AES_KEY_WRAP", "RSA_AES_KEY_WRAP_256", "RSA_AES_KEY_WRAP_384"), fc.string({ maxLength: 12 })),
  ),
};

const callArb = fc.oneof(...Object.entries(CALLS).map(([name, args]) => args.map((a) => ({ name, args: a }))));

/** Handles made by a call that succeeded: destroyed afterwards, so that the key count shows what failed calls left. */
function madeHandle(name: string, result: unknown): number | undefined {
  return /^(generate|import|unseal$)/.test(name) && typeof result === "number" ? result : undefined;
}

describe("every method of Hsm with hostile arguments", () => {
  it("covers every public method", () => {
    const methods = Object.getOwnPropertyNames(Hsm.prototype).filter((m) => m !== "constructor");
    expect(methods.filter((m) => !(m in CALLS))).toEqual([]);
  });

  it("returns or throws a typed HsmError with a known code; never traps; leaves no key behind; still computes", () => {
    const before = hsm.keyCount();
    fc.assert(
      fc.property(fc.array(callArb, { minLength: 1, maxLength: 8 }), (calls) => {
        for (const { name, args } of calls) {
          let result: unknown;
          try {
            result = (hsm as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
          } catch (e) {
            if (!(e instanceof HsmError)) throw new Error(`${name} threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
            if (!KNOWN.has(e.code)) throw new Error(`${name} threw ${e.code}: ${e.message}`);
            continue;
          }
          const made = madeHandle(name, result);
          if (made !== undefined && made !== domain) hsm.destroy(made as never);
        }
      }),
      { numRuns: 4000 },
    );
    expect(hsm.keyCount()).toBe(before);
    // Still correct: AES-KW (RFC 3394) and ECDSA, checked with node:crypto.
    const data = nc.randomBytes(32);
    expect(Buffer.from(hsm.wrapKey(kwHandle as never, "A256KW", data)).equals(aesKw(kwKey, data))).toBe(true);
    const digest = nc.createHash("sha256").update("still serves").digest();
    const sig = hsm.sign(pool[2] as never, "ES256", digest);
    const pub = nc.createPublicKey({ key: { ...hsm.publicJwk(pool[2] as never), kty: "EC" } as nc.JsonWebKey, format: "jwk" });
    expect(nc.verify("sha256", Buffer.from("still serves"), { key: pub, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
  });
});
