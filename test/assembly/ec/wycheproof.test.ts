// Wycheproof ECDSA P1363 verification vectors. The message is hashed with the file's hash
// (node:crypto) and the digest verified through Hsm.verify with the Key Vault algorithm.
// Every valid case must verify and every invalid case must be refused. These files have no
// "acceptable" cases; if one appears, it is counted and may go either way.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { hex, loadWycheproof, newHsm } from "../../helpers/hsm.js";
import { b64url, CURVES } from "../../helpers/ec.js";

const files: [string, string][] = [
  ["ecdsa_secp256r1_sha256_p1363_test.json", "P-256"],
  ["ecdsa_secp384r1_sha384_p1363_test.json", "P-384"],
  ["ecdsa_secp521r1_sha512_p1363_test.json", "P-521"],
  ["ecdsa_secp256k1_sha256_p1363_test.json", "P-256K"],
];

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

for (const [file, crv] of files) {
  const data = loadWycheproof(file);
  describe.skipIf(!data)(`Wycheproof ${file}`, () => {
    it("valid signatures verify, invalid ones are refused", () => {
      const c = CURVES.find((k) => k.crv === crv)!;
      const counts = { valid: 0, invalid: 0, acceptable: 0 };
      const wrong: string[] = [];
      for (const group of data.testGroups) {
        expect(group.sha).toBe(c.hash);
        const point = hex(group.publicKey.uncompressed);
        expect(point[0]).toBe(4);
        const handle: KeyHandle = hsm.importEcPublic({
          crv: c.crv,
          x: b64url(point.subarray(1, 1 + c.len)),
          y: b64url(point.subarray(1 + c.len)),
        });
        for (const t of group.tests) {
          const digest = createHash(c.nodeHash).update(hex(t.msg)).digest();
          const ok = hsm.verify(handle, c.alg, digest, hex(t.sig));
          counts[t.result as keyof typeof counts]++;
          if ((t.result === "valid" && !ok) || (t.result === "invalid" && ok)) wrong.push(`tcId ${t.tcId} (${t.result}, ${t.comment})`);
        }
        hsm.destroy(handle);
      }
      expect(wrong).toEqual([]);
      expect(counts.valid + counts.invalid + counts.acceptable).toBe(data.numberOfTests);
      expect(counts.valid).toBeGreaterThan(100);
      expect(counts.invalid).toBeGreaterThan(50);
    });
  });
}
