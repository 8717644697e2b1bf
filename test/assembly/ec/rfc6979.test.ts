// Exact signatures of RFC 6979 Appendix A.2.5 (P-256), A.2.6 (P-384) and A.2.7 (P-521), in the
// test-only pure mode. The vectors are the RFC's text (vectors/rfc6979/), parsed here; before we
// compare, node:crypto verifies each published signature, which guards the copy of the text.
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Hsm, type EcCurve, type HashName } from "../../../src/engine/index.js";
import { b64url, bigToBytes, CURVES } from "../../helpers/ec.js";
import { toHex } from "../../helpers/hsm.js";
import { newTestHsm } from "../../helpers/wasm.js";

interface Signature {
  hash: string;
  message: string;
  r: bigint;
  s: bigint;
}
interface Section {
  title: string;
  curve: string;
  x: bigint;
  ux: bigint;
  uy: bigint;
  signatures: Signature[];
}

/** Parses the RFC's "name = HEX" fields, whose values continue on indented lines. */
function parse(text: string): Section[] {
  const sections: Section[] = [];
  let section: Section | undefined;
  let sig: Partial<Signature> | undefined;
  let field: string | undefined;
  let value = "";
  const flush = () => {
    if (!field || !section) return;
    const v = BigInt(`0x${value}`);
    if (field === "x") section.x = v;
    else if (field === "Ux") section.ux = v;
    else if (field === "Uy") section.uy = v;
    else if (sig && (field === "r" || field === "s")) {
      sig[field] = v;
      if (field === "s") section.signatures.push(sig as Signature);
    }
    field = undefined;
    value = "";
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^(A\.2\.\d+)\.\s+(.*)$/))) {
      flush();
      section = { title: m[1]!, curve: "", x: 0n, ux: 0n, uy: 0n, signatures: [] };
      sections.push(section);
    } else if ((m = line.match(/^curve: NIST (P-\d+)$/))) {
      section!.curve = m[1]!;
    } else if ((m = line.match(/^With (SHA-\d+), message = "(.*)":$/))) {
      flush();
      sig = { hash: m[1]!, message: m[2]! };
    } else if ((m = line.match(/^(\w+) = ([0-9A-F]+)$/))) {
      flush();
      field = m[1];
      value = m[2]!;
    } else if (field && /^[0-9A-F]+$/.test(line)) {
      value += line;
    } else {
      flush();
    }
  }
  flush();
  return sections;
}

const text = readFileSync(join(import.meta.dirname, "../../../vectors/rfc6979/appendix-a2.5-a2.7.txt"), "utf8");
const sections = parse(text);
const nodeHash: Record<string, string> = {
  "SHA-1": "sha1",
  "SHA-224": "sha224",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};
// The core has no SHA-224 (Key Vault has no algorithm that uses it): those vectors are counted, not run.
const supported = new Set<string>(["SHA-1", "SHA-256", "SHA-384", "SHA-512"]);

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newTestHsm({ deterministicEcdsa: true }); // reachable only through the test build
});

it("the parsed text has the three sections with ten signatures each", () => {
  expect(sections.map((s) => `${s.title} ${s.curve} ${s.signatures.length}`)).toEqual([
    "A.2.5 P-256 10",
    "A.2.6 P-384 10",
    "A.2.7 P-521 10",
  ]);
});

for (const section of sections) {
  describe(`RFC 6979 §${section.title} (${section.curve})`, () => {
    const c = CURVES.find((k) => k.crv === section.curve)!;
    const jwk = {
      kty: "EC",
      crv: section.curve as EcCurve,
      x: b64url(bigToBytes(section.ux, c.len)),
      y: b64url(bigToBytes(section.uy, c.len)),
      d: b64url(bigToBytes(section.x, c.len)),
    };
    const nodeKey = createPublicKey({ key: { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y }, format: "jwk" });

    const unsupported = section.signatures.filter((v) => !supported.has(v.hash));
    it(`the ${unsupported.length} SHA-224 vectors are out of scope: the core has no SHA-224`, () => {
      expect(unsupported.every((v) => v.hash === "SHA-224")).toBe(true);
      expect(() => hsm.digest("SHA-224" as HashName, new Uint8Array(1))).toThrow(/unknown hash/);
    });

    for (const v of section.signatures.filter((v) => supported.has(v.hash))) {
      const name = `${v.hash}, message "${v.message}"`;
      const expected = toHex(new Uint8Array([...bigToBytes(v.r, c.len), ...bigToBytes(v.s, c.len)]));
      it(`${name}: exact r || s`, () => {
        // The published signature must verify (this guards the transcription of the RFC).
        const sig = Buffer.from(expected, "hex");
        expect(nodeVerify(nodeHash[v.hash]!, Buffer.from(v.message), { key: nodeKey, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
        const handle = hsm.importEc(jwk);
        try {
          const digest = createHash(nodeHash[v.hash]!).update(v.message).digest();
          expect(toHex(hsm.ecdsaSignDigest(handle, v.hash as HashName, digest))).toBe(expected);
          if (v.hash === c.hash) {
            // The Key Vault operation, for the algorithm's own hash.
            expect(toHex(hsm.sign(handle, c.alg, digest))).toBe(expected);
          }
        } finally {
          hsm.destroy(handle);
        }
      });
    }
  });
}

it("the default (hedged) mode gives a different, valid signature each time", async () => {
  const hedged = await Hsm.create();
  const section = sections[0]!;
  const c = CURVES[0]!;
  const handle = hedged.importEc({
    crv: "P-256",
    x: b64url(bigToBytes(section.ux, 32)),
    y: b64url(bigToBytes(section.uy, 32)),
    d: b64url(bigToBytes(section.x, 32)),
  });
  const digest = createHash("sha256").update("sample").digest();
  const a = hedged.sign(handle, "ES256", digest);
  const b = hedged.sign(handle, "ES256", digest);
  const rfc = section.signatures.find((s) => s.hash === "SHA-256" && s.message === "sample")!;
  expect(toHex(a)).not.toBe(toHex(b));
  expect(toHex(a.subarray(0, 32))).not.toBe(toHex(bigToBytes(rfc.r, 32)));
  expect(hedged.verify(handle, "ES256", digest, a)).toBe(true);
  expect(
    c.noble.verify(b, digest, new Uint8Array([4, ...bigToBytes(section.ux, 32), ...bigToBytes(section.uy, 32)]), {
      prehash: false,
      lowS: false,
    }),
  ).toBe(true);
});
