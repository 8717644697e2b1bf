// The core's HMAC-DRBG against an independent model of SP 800-90A Rev. 1 §10.1.2 (HMAC_DRBG,
// SHA-256) written here on node:crypto's createHmac: same entropy in, same bytes out, across
// instantiation, generate calls of several sizes, and reseeds.
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rawCore } from "../../helpers/raw.js";

class ModelDrbg {
  K: Buffer = Buffer.alloc(32, 0);
  V: Buffer = Buffer.alloc(32, 1);
  private mac(...parts: Uint8Array[]): Buffer {
    const h = createHmac("sha256", this.K);
    for (const p of parts) h.update(p);
    return h.digest();
  }
  /** §10.1.2.2 */
  update(data: Uint8Array): void {
    this.K = this.mac(this.V, Uint8Array.of(0), data);
    this.V = this.mac(this.V);
    if (data.length === 0) return;
    this.K = this.mac(this.V, Uint8Array.of(1), data);
    this.V = this.mac(this.V);
  }
  /** §10.1.2.5, requests split at 2^16 bytes as the core does (SP 800-90A Table 2). */
  generate(len: number): Buffer {
    const out: Buffer[] = [];
    while (len > 0) {
      const chunk = Math.min(len, 65536);
      let t: Buffer = Buffer.alloc(0);
      while (t.length < chunk) {
        this.V = this.mac(this.V);
        t = Buffer.concat([t, this.V]);
      }
      out.push(t.subarray(0, chunk));
      this.update(new Uint8Array(0));
      len -= chunk;
    }
    return Buffer.concat(out);
  }
}

describe("HMAC-DRBG (SP 800-90A §10.1.2) against a model", () => {
  it("matches byte for byte through seeding, generation and reseeding", async () => {
    const core = await rawCore({ seed: false });
    const model = new ModelDrbg();
    const seed = (bytes: Uint8Array) => {
      core.write(bytes);
      expect(core.exports.rand_seed!(bytes.length)).toBe(0);
      model.update(bytes);
    };
    seed(randomBytes(48));
    for (const len of [1, 31, 32, 33, 64, 100, 65537]) {
      const n = core.exports.rand_bytes!(len);
      expect(n).toBe(len);
      expect(core.read(len).toString()).toBe(new Uint8Array(model.generate(len)).toString());
      if (len === 64) seed(randomBytes(40));
    }
  });

  it("pooled draws (drbgDraw, ECDSA's noise) are the stream of one 512-byte request, handed out once, and a reseed drops the pool", async () => {
    const core = await rawCore({ seed: false, test: true });
    const model = new ModelDrbg();
    const seed = (bytes: Uint8Array) => {
      core.write(bytes);
      expect(core.exports.rand_seed!(bytes.length)).toBe(0);
      model.update(bytes);
    };
    const draw = (len: number) => {
      expect(core.exports.rand_draw!(len)).toBe(len);
      return Buffer.from(core.read(len));
    };
    seed(randomBytes(48));
    // 7 draws of 64 bytes and one of 64 more: the first pool serves 8 x 64 = 512 bytes.
    let pool = model.generate(512);
    for (let i = 0; i < 8; i++) expect(draw(64).equals(pool.subarray(64 * i, 64 * (i + 1)))).toBe(true);
    // The next draw needs a new request. A direct request in between comes after that pool.
    pool = model.generate(512);
    expect(draw(100).equals(pool.subarray(0, 100))).toBe(true);
    const n = core.exports.rand_bytes!(33);
    expect(n).toBe(33);
    expect(Buffer.from(core.read(33)).equals(model.generate(33))).toBe(true);
    expect(draw(132).equals(pool.subarray(100, 232))).toBe(true);
    // 280 bytes are left: a draw of 300 drops them and takes a new request.
    pool = model.generate(512);
    expect(draw(300).equals(pool.subarray(0, 300))).toBe(true);
    // A reseed drops whatever is left in the pool.
    seed(randomBytes(32));
    pool = model.generate(512);
    expect(draw(64).equals(pool.subarray(0, 64))).toBe(true);
    // Oversized draws are refused.
    expect(core.exports.rand_draw!(513)).toBeLessThan(0);
  });
});
