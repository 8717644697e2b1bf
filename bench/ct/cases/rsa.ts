// RSA-2048 decryption. Through Hsm.decrypt, as users call it: the private operation (fixed
// against random ciphertexts), and the padding checks of RSA-OAEP-256 and RSA1_5 (valid against
// each defect, the defects against each other). And the same padding classes through the test
// build's ct_rsa_decrypt_verdict, which returns a refusal instead of making the host throw: the
// core's own time, where valid against invalid must not differ.
import crypto from "node:crypto";
import { HsmError, type KeyHandle, type RsaPrivateJwk } from "../../../src/engine/index.js";
import { againstFirst, allPairs, type Comparison, type CtCase } from "../measure.js";
import { HashId, RsaPadding } from "./abi.js";
import type { CaseEnv } from "./env.js";
import { type Encoded, OAEP_DEFECTS, PKCS1_DEFECTS, oaepEm, pkcs1Em, rawEncrypt } from "./rsa-padding.js";

/** Marks a refusal returned by the verdict hooks (assembly/testing/ct.ts REFUSED). */
const REFUSED = 1 << 30;

export function rsaCases({ hsm, testHsm, testCore }: CaseEnv): CtCase[] {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" }) as RsaPrivateJwk;
  const handle = hsm.importRsa(jwk);
  const testHandle = testHsm.importRsa(jwk);
  const n = Buffer.from(jwk.n, "base64url");
  const k = n.length;

  /** Through the engine: a refused ciphertext is an expected outcome, caught inside the timing. */
  const viaEngine = (alg: string) => (c: Uint8Array) => {
    try {
      return hsm.decrypt(handle, alg, c);
    } catch (e) {
      return e;
    }
  };
  /** Through the test build's hook, with the calls the engine makes (reseed, write, call). */
  const viaCore = (padding: number, hash: number) => (c: Uint8Array) => {
    testCore.reseed();
    testCore.write(c);
    return testCore.call("ct_rsa_decrypt_verdict", "ct", testHandle as KeyHandle, padding, hash, hash, c.length, 0);
  };

  // Uniform enough below n: the first byte below n's, the rest uniform.
  const randomC = () => {
    const c = crypto.randomBytes(k);
    c[0] = crypto.randomInt(n[0]!);
    return c;
  };
  const fixedC = randomC();
  const privateOp: CtCase<Uint8Array> = {
    name: "rsa2048.decrypt.RSA-OAEP-256",
    what: "private op (blinded CRT): fixed c vs random c",
    classes: ["fixed c", "random c"],
    comparisons: againstFirst(2),
    prepare: (cls) => Uint8Array.from(cls === 0 ? fixedC : randomC()),
    run: viaEngine("RSA-OAEP-256"),
  };

  const paddingCases = (
    alg: string,
    defects: readonly string[],
    encode: (cls: number) => Encoded,
    engine: (c: Uint8Array) => unknown,
    core: (c: Uint8Array) => unknown,
  ): CtCase<Uint8Array>[] => {
    const prepare = (cls: number) => rawEncrypt(publicKey, encode(cls).em);
    const defectPairs = allPairs(defects.length, 1);
    const validVsEach = (expect: Comparison["expect"]) => againstFirst(defects.length, expect);
    return [
      {
        name: `rsa2048.decrypt.${alg}`,
        what: "padding, via Hsm: each defect vs the others; valid vs each (the answer differs)",
        classes: defects,
        comparisons: [...defectPairs, ...validVsEach("verdict")],
        prepare,
        run: engine,
      },
      {
        name: `rsa2048.decrypt.${alg}`,
        what: "padding, the core alone (test build): valid vs each defect; defects pairwise",
        classes: defects.map((d) => `${d} (core)`),
        comparisons: [...validVsEach("constant"), ...defectPairs],
        prepare,
        run: core,
      },
    ];
  };
  const sha256 = HashId["SHA-256"];
  const oaep = paddingCases(
    "RSA-OAEP-256",
    OAEP_DEFECTS,
    (cls) => oaepEm(k, "sha256", OAEP_DEFECTS[cls]!),
    viaEngine("RSA-OAEP-256"),
    viaCore(RsaPadding.OAEP_PSS, sha256),
  );
  const pkcs1 = paddingCases(
    "RSA1_5",
    PKCS1_DEFECTS,
    (cls) => pkcs1Em(k, PKCS1_DEFECTS[cls]!),
    viaEngine("RSA1_5"),
    viaCore(RsaPadding.PKCS1, 0),
  );

  // The classes must be what their labels say, or the comparisons mean nothing: the engine and
  // the hook must return the message of each valid EM and refuse each defect; node:crypto
  // (OpenSSL) must agree on the OAEP encodings (Node 20 refuses PKCS#1 v1.5 private decryption,
  // CVE-2023-46809). The fixed and the random c of the private op are both refused.
  const check = (alg: string, encode: (cls: number) => Encoded, engine: (c: Uint8Array) => unknown, core: (c: Uint8Array) => unknown) => {
    for (let cls = 0; cls < 5; cls++) {
      for (let i = 0; i < 4; i++) {
        const { em, message } = encode(cls);
        const ct = rawEncrypt(publicKey, em);
        const ours = engine(ct);
        const hook = core(ct);
        if (cls === 0) {
          if (!(ours instanceof Uint8Array && Buffer.from(ours).equals(message)) || hook !== message.length) {
            throw new Error(`${alg}: a valid ciphertext was not decrypted to its message (${String(ours)}, ${String(hook)})`);
          }
        } else if (!(ours instanceof HsmError && ours.code === "DECRYPT_FAILED") || typeof hook !== "number" || (hook & REFUSED) === 0) {
          throw new Error(`${alg} defect ${cls}: the ciphertext was not refused (${String(ours)}, ${String(hook)})`);
        }
        if (alg === "RSA-OAEP-256") {
          let theirs: Buffer | undefined;
          try {
            theirs = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, ct);
          } catch {}
          if ((cls === 0) !== (theirs?.equals(message) === true))
            throw new Error(`${alg} defect ${cls}: node:crypto disagrees with the class`);
        }
      }
    }
  };
  check("RSA-OAEP-256", (cls) => oaepEm(k, "sha256", OAEP_DEFECTS[cls]!), oaep[0]!.run, oaep[1]!.run);
  check("RSA1_5", (cls) => pkcs1Em(k, PKCS1_DEFECTS[cls]!), pkcs1[0]!.run, pkcs1[1]!.run);
  for (const cls of [0, 1]) {
    const r = privateOp.run(privateOp.prepare(cls));
    if (!(r instanceof HsmError)) throw new Error(`private op ${privateOp.classes[cls]}: expected a refusal, as for the other class`);
  }
  return [privateOp, ...oaep, ...pkcs1];
}
