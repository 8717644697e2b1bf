// RSA-2048 through Hsm.decrypt, as users call it: the private operation (fixed against random
// ciphertexts) and the padding checks of RSA-OAEP-256 and RSA1_5 (valid against each defect,
// and the defects against each other).
import crypto from "node:crypto";
import { HsmError, type RsaPrivateJwk } from "../../../src/engine/index.js";
import { againstFirst, allPairs, type CtCase } from "../measure.js";
import type { CaseEnv } from "./env.js";
import { type Encoded, OAEP_DEFECTS, PKCS1_DEFECTS, oaepEm, pkcs1Em, rawEncrypt } from "./rsa-padding.js";

export function rsaCases({ hsm }: CaseEnv): CtCase[] {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" }) as RsaPrivateJwk;
  const handle = hsm.importRsa(jwk);
  const n = Buffer.from(jwk.n, "base64url");
  const k = n.length;
  /** The timed call: a refused ciphertext is an expected outcome, caught inside the timing. */
  const decrypt = (alg: string) => (c: Uint8Array) => {
    try {
      return hsm.decrypt(handle, alg, c);
    } catch (e) {
      return e;
    }
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
    prepare: (cls) => (cls === 0 ? Uint8Array.from(fixedC) : randomC()),
    run: decrypt("RSA-OAEP-256"),
  };

  const oaep: CtCase<Uint8Array> = {
    name: "rsa2048.decrypt.RSA-OAEP-256",
    what: "OAEP padding: valid vs each defect; defects pairwise",
    classes: OAEP_DEFECTS,
    comparisons: [...againstFirst(OAEP_DEFECTS.length), ...allPairs(OAEP_DEFECTS.length, 1)],
    prepare: (cls) => rawEncrypt(publicKey, oaepEm(k, "sha256", OAEP_DEFECTS[cls]!).em),
    run: decrypt("RSA-OAEP-256"),
  };

  const pkcs1: CtCase<Uint8Array> = {
    name: "rsa2048.decrypt.RSA1_5",
    what: "PKCS#1 v1.5 padding: valid vs each defect; defects pairwise",
    classes: PKCS1_DEFECTS,
    comparisons: [...againstFirst(PKCS1_DEFECTS.length), ...allPairs(PKCS1_DEFECTS.length, 1)],
    prepare: (cls) => rawEncrypt(publicKey, pkcs1Em(k, PKCS1_DEFECTS[cls]!).em),
    run: decrypt("RSA1_5"),
  };

  // The classes must be what their labels say, or the comparisons mean nothing: the core must
  // return the message of each valid EM and refuse each defect; node:crypto (OpenSSL) must agree
  // on the OAEP encodings (Node 20 refuses PKCS#1 v1.5 private decryption, CVE-2023-46809).
  const check = (c: CtCase<Uint8Array>, encode: (cls: number) => Encoded, alg: string) => {
    for (let cls = 0; cls < c.classes.length; cls++) {
      for (let i = 0; i < 4; i++) {
        const { em, message } = encode(cls);
        const ct = rawEncrypt(publicKey, em);
        const ours = c.run(ct);
        if (cls !== 0) {
          if (!(ours instanceof HsmError && ours.code === "DECRYPT_FAILED")) {
            throw new Error(`${alg} ${c.classes[cls]}: the core did not refuse the ciphertext (${String(ours)})`);
          }
        } else if (!(ours instanceof Uint8Array && Buffer.from(ours).equals(message))) {
          throw new Error(`${alg}: the core did not return the message of a valid ciphertext (${String(ours)})`);
        }
        if (alg === "RSA-OAEP-256") {
          const padding = crypto.constants.RSA_PKCS1_OAEP_PADDING;
          let theirs: Buffer | undefined;
          try {
            theirs = crypto.privateDecrypt({ key: privateKey, padding, oaepHash: "sha256" }, ct);
          } catch {}
          if ((cls === 0) !== (theirs?.equals(message) === true)) {
            throw new Error(`${alg} ${c.classes[cls]}: node:crypto does not agree with the class`);
          }
        }
      }
    }
  };
  check(oaep, (cls) => oaepEm(k, "sha256", OAEP_DEFECTS[cls]!), "RSA-OAEP-256");
  check(pkcs1, (cls) => pkcs1Em(k, PKCS1_DEFECTS[cls]!), "RSA1_5");
  return [privateOp, oaep, pkcs1];
}
