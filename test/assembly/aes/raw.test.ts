// The aes_* exports called directly on a raw instance of build/hsm.wasm (test-only access; the
// engine never exposes raw exports): hostile arguments never trap, and destroy wipes key material.
import { describe, expect, it } from "vitest";
import { memoryContains, rawCore, type RawCore } from "../../helpers/raw.js";

const STATUSES = new Set([-1, -2, -3, -4, -5, -6, -7, -8, -9]); // ERR_LENGTH .. ERR_PARAM (assembly/status.ts)
const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** RFC 3394 §4.1: unwrap 1FA6...CFE5 under KEK 0001..0F gives 0011..FF. */
function rfc3394Unwrap(core: RawCore): string {
  core.write(hex("000102030405060708090A0B0C0D0E0F"));
  const kek = core.exports.aes_import(16);
  expect(kek).toBeGreaterThan(0);
  core.write(hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"));
  const n = core.exports.aes_unwrap(kek, 1, 24);
  const out = Buffer.from(core.read(Math.max(n, 0))).toString("hex");
  expect(core.exports.key_destroy(kek)).toBe(0);
  return out;
}

describe("aes_* exports under hostile arguments", () => {
  it("10,000 random calls: no trap, every result a valid value or a known status, and the instance still works", async () => {
    const core = await rawCore();
    const x = core.exports;
    const cap: number = core.capacity;
    const outCap: number = x.io_out_capacity();
    const rand = lcg(0xae5);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
    const live: number[] = [];
    const dead: number[] = [];

    const handle = () =>
      pick([
        () => (live.length ? pick(live) : 1),
        () => (live.length ? pick(live) : 1),
        () => (dead.length ? pick(dead) : 2),
        () => Math.floor(rand() * 2 ** 32) | 0, // forged
        () => pick([0, -1, 1, 0xffff, 0x10000, 0x7fffffff, -0x80000000]),
      ])();
    const length = () =>
      pick([
        () => Math.floor(rand() * 80),
        () => pick([0, 1, 7, 8, 12, 15, 16, 17, 23, 24, 32, 40, 48]),
        () => pick([0, 0, 0, 16, 16, 32]),
        () => pick([cap - 28, cap - 16, cap - 9, cap - 8, cap - 1, cap, cap + 1, outCap, outCap + 1]),
        () => pick([-1, -16, 0x7fffffff, -0x80000000, 0xffffffff, 2 ** 31 - cap]),
        () => Math.floor(rand() * 2 ** 32) | 0,
      ])();
    const mode = () =>
      pick([() => 1 + Math.floor(rand() * 5), () => pick([0, 6, -1, 0x7fffffff]), () => Math.floor(rand() * 2 ** 32) | 0])();
    const bits = () => pick([128, 192, 256, 0, 64, 512, -128, 0x7fffffff]);

    const calls: Record<string, () => number[]> = {
      aes_generate: () => [bits()],
      aes_import: () => [length()],
      aes_wrap: () => [handle(), mode(), length()],
      aes_unwrap: () => [handle(), mode(), length()],
      aes_encrypt: () => [handle(), mode(), length(), length(), length()],
      aes_decrypt: () => [handle(), mode(), length(), length(), length(), length()],
      key_destroy: () => [handle()],
      key_info: () => [handle()],
    };
    for (const name of Object.keys(calls)) expect(typeof x[name], name).toBe("function");
    const names = Object.keys(calls);
    const noise = new Uint8Array(4096);
    const tally: Record<string, number> = {};

    for (let i = 0; i < 10_000; i++) {
      if (i % 32 === 0) {
        for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(rand() * 256);
        core.write(noise);
      }
      const name = pick(names);
      const args = calls[name]!();
      let r: number;
      try {
        r = x[name](...args);
      } catch (e) {
        // A RuntimeError here is a trap: it would lose every key of a real instance.
        throw new Error(`${name}(${args.join(", ")}) trapped: ${(e as Error).message}`);
      }
      const what = `${name}(${args.join(", ")}) = ${r}`;
      expect(Number.isInteger(r), what).toBe(true);
      if (r < 0) {
        expect(STATUSES.has(r), what).toBe(true);
        tally[`${name} ${r}`] = (tally[`${name} ${r}`] ?? 0) + 1;
        continue;
      }
      tally[`${name} ok`] = (tally[`${name} ok`] ?? 0) + 1;
      if (name === "aes_generate" || name === "aes_import") {
        expect(x.key_info(r) >>> 16, what).toBe(1); // KIND_OCT
        live.push(r);
        if (live.length > 40) {
          const h = live.shift()!;
          expect(x.key_destroy(h)).toBe(0);
          dead.push(h);
        }
      } else if (name === "key_destroy") {
        expect(r, what).toBe(0);
        live.splice(live.indexOf(args[0]!), 1);
        dead.push(args[0]!);
      } else if (name === "key_info") {
        expect(
          [128, 192, 256].map((b) => (1 << 16) | b),
          what,
        ).toContain(r);
      } else {
        expect(r, what).toBeLessThanOrEqual(outCap);
      }
    }
    // Some calls of each kind got through to real work, so the checks above were exercised.
    for (const ok of ["aes_generate ok", "aes_wrap ok", "aes_encrypt ok", "key_destroy ok"]) expect(tally[ok] ?? 0, ok).toBeGreaterThan(0);

    expect(rfc3394Unwrap(core)).toBe("00112233445566778899aabbccddeeff");
  }, 120_000);
});

describe("key material in linear memory", () => {
  it("import wipes IN; using the key leaves no copy; destroy wipes the schedule", async () => {
    const core = await rawCore();
    const x = core.exports;
    const key = crypto.getRandomValues(new Uint8Array(32));
    core.write(key);
    // The scan itself works: the key is in IN now.
    expect(memoryContains(core, key)).toBe(true);
    const h = x.aes_import(32);
    expect(h).toBeGreaterThan(0);
    expect(memoryContains(core, key)).toBe(false);

    // Use it in every mode, then look again.
    core.write(new Uint8Array(64).fill(0x5a));
    expect(x.aes_wrap(h, 1, 32)).toBe(40);
    expect(x.aes_wrap(h, 2, 20)).toBe(32);
    expect(x.aes_encrypt(h, 3, 0, 5, 40)).toBe(12 + 40 + 16);
    expect(x.aes_encrypt(h, 5, 0, 0, 40)).toBe(16 + 48);
    core.write(new Uint8Array(64).fill(0x11));
    expect(x.aes_decrypt(h, 4, 16, 0, 32, 0)).toBe(32);
    expect(x.aes_unwrap(h, 1, 40)).toBe(-5); // ERR_DECRYPT: random bytes are no wrapped key
    expect(memoryContains(core, key)).toBe(false);
    expect(memoryContains(core, key.subarray(0, 16))).toBe(false);
    expect(memoryContains(core, key.subarray(16))).toBe(false);

    // Find the slot's schedule by its header (aes/schedule.ts: u32 Nr = 14, u32 bits = 256, 8 zero
    // bytes, then 15 round keys of 64 bytes: AES_KS_SIZE = 976) and check that destroy zeroes it.
    const header = hex("0e000000000100000000000000000000");
    const mem = () => Buffer.from(core.memory.buffer);
    const at = mem().indexOf(header);
    expect(at).toBeGreaterThan(0);
    expect(mem().indexOf(header, at + 1)).toBe(-1);
    const nonzero = (from: number, to: number) =>
      mem()
        .subarray(from, to)
        .reduce((n, b) => n + (b !== 0 ? 1 : 0), 0);
    expect(nonzero(at + 16, at + 976)).toBeGreaterThan(600);
    expect(x.key_destroy(h)).toBe(0);
    // The allocator keeps its free-list links in the first 8 and the last 4 bytes of a freed block.
    expect(nonzero(at + 8, at + 976 - 4)).toBe(0);
    expect(memoryContains(core, key)).toBe(false);
    expect(x.aes_wrap(h, 1, 32)).toBe(-2);
  });
});
