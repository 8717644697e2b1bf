// The host keeps one view of the core's linear memory (core.ts) and must make a new one when the
// memory grows (growing detaches the old buffer): every call after a growth still reads and writes
// the live memory. Checked against node:crypto, which verifies the signatures made across a growth.
import { createHash, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Hsm, type KeyHandle } from "../../../src/engine/index.js";

describe("linear memory growth", () => {
  it("operations before and after the memory grows read and write the live memory", async () => {
    const hsm = await Hsm.create();
    const key = hsm.generateEc("P-256");
    const pub = createPublicKey({ key: hsm.publicJwk(key) as never, format: "jwk" });
    const signAndCheck = (text: string) => {
      const digest = createHash("sha256").update(text).digest();
      const sig = hsm.sign(key, "ES256", digest);
      expect(verify("sha256", Buffer.from(text), { key: pub, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
    };
    signAndCheck("before");
    const start = hsm.memoryBytes();
    const made: KeyHandle[] = [];
    // RSA keys take kilobytes each: enough of them grow the memory.
    while (hsm.memoryBytes() === start && made.length < 400) made.push(hsm.generateOct(256));
    for (let i = 0; hsm.memoryBytes() === start && i < 200; i++) made.push(hsm.generateRsa(2048));
    expect(hsm.memoryBytes()).toBeGreaterThan(start);
    signAndCheck("after");
    // A wrap and unwrap round trip across the new memory too.
    const kek = made[0]!;
    const secret = new Uint8Array(32).fill(5);
    expect(hsm.unwrapKey(kek, "A256KW", hsm.wrapKey(kek, "A256KW", secret))).toEqual(secret);
  });
});
