// AES-256 through Hsm: KW and GCM under a fixed key against random keys, and GCM's tag check
// (a tag wrong in its first byte against one wrong in its last byte).
import crypto from "node:crypto";
import { HsmError, type KeyHandle } from "../../../src/engine/index.js";
import { againstFirst, type CtCase } from "../measure.js";
import { AesMode } from "./abi.js";
import type { CaseEnv } from "./env.js";

export function aesCases({ hsm, testHsm, testCore }: CaseEnv): CtCase[] {
  // Both classes import a key before each measurement and destroy it after (neither timed), so
  // that they use the same slots, the same memory and the same host path: only the key differs.
  const fixedKey = crypto.randomBytes(32);
  const keyFor = (cls: number) => hsm.importOct(cls === 0 ? fixedKey : crypto.randomBytes(32));
  const fixedVsRandom = (alg: string, op: (h: KeyHandle) => unknown): CtCase<KeyHandle> => ({
    name: `aes256.${alg.endsWith("KW") ? "wrapKey" : "encrypt"}.${alg}`,
    what: "fixed key vs random keys",
    classes: ["fixed key", "random key"],
    comparisons: againstFirst(2),
    prepare: keyFor,
    run: op,
    cleanup: (h) => hsm.destroy(h),
  });
  const cek = crypto.randomBytes(32); // the wrapped key and the plaintext: public here, the same for both classes
  const kw = fixedVsRandom("A256KW", (h) => hsm.wrapKey(h, "A256KW", cek));
  const gcm = fixedVsRandom("A256GCM", (h) => hsm.encrypt(h, "A256GCM", cek));

  // Tag check: one key, one ciphertext; the tag is wrong in byte 0 or in byte 15 (xor a random
  // nonzero byte). An early-exit comparison would take longer for the second.
  const key = hsm.importOct(fixedKey);
  const sealed = hsm.encrypt(key, "A256GCM", cek);
  const wrongAt = (i: number) => {
    const tag = Uint8Array.from(sealed.tag!);
    if (i >= 0) tag[i]! ^= 1 + crypto.randomInt(255); // i < 0: the right tag
    return { ciphertext: Uint8Array.from(sealed.ciphertext), iv: Uint8Array.from(sealed.iv!), tag };
  };
  const tags: CtCase<ReturnType<typeof wrongAt>> = {
    name: "aes256.decrypt.A256GCM",
    what: "tag check, via Hsm: tag wrong in byte 0 vs in byte 15",
    classes: ["tag[0] wrong", "tag[15] wrong"],
    comparisons: againstFirst(2),
    prepare: (cls) => wrongAt(cls === 0 ? 0 : 15),
    run: ({ ciphertext, iv, tag }) => {
      try {
        return hsm.decrypt(key, "A256GCM", ciphertext, { iv, tag });
      } catch (e) {
        return e;
      }
    },
  };
  for (const cls of [0, 1]) {
    const r = tags.run(tags.prepare(cls));
    if (!(r instanceof HsmError && r.code === "DECRYPT_FAILED"))
      throw new Error(`A256GCM ${tags.classes[cls]}: not refused (${String(r)})`);
  }
  const ok = hsm.decrypt(key, "A256GCM", sealed.ciphertext, { iv: sealed.iv, tag: sealed.tag });
  if (!Buffer.from(ok).equals(cek)) throw new Error("A256GCM: the untouched tag was refused");

  // The same in the core alone (the test build's hook returns the refusal as a value, so the host
  // does not throw). The right tag is a third class, for scale: the core decrypts only after the
  // tag has passed (SP 800-38D §7.2), so accepting costs the decryption: a public verdict.
  const testKey = testHsm.importOct(fixedKey);
  const coreTags: CtCase<ReturnType<typeof wrongAt>> = {
    name: "aes256.decrypt.A256GCM",
    what: "tag check, the core alone (test build): right tag vs wrong in byte 0 vs in byte 15",
    classes: ["right tag (core)", "tag[0] wrong (core)", "tag[15] wrong (core)"],
    comparisons: [{ a: 1, b: 2, expect: "constant" }, ...againstFirst(3, "verdict")],
    prepare: (cls) => (cls === 0 ? wrongAt(-1) : wrongAt(cls === 1 ? 0 : 15)),
    run: ({ ciphertext, iv, tag }) => {
      testCore.writeAll(iv, ciphertext, tag);
      return testCore.call("ct_aes_decrypt_verdict", "ct", testKey, AesMode.GCM, iv.length, 0, ciphertext.length, tag.length);
    },
  };
  const verdicts = [0, 1, 2].map((cls) => coreTags.run(coreTags.prepare(cls)));
  if (verdicts[0] !== cek.length || verdicts.slice(1).some((v) => typeof v !== "number" || v < 1 << 30)) {
    throw new Error(`A256GCM (core): unexpected verdicts ${verdicts.join(", ")}`);
  }
  return [kw, gcm, tags, coreTags];
}
