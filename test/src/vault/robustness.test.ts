// "Never a 500 for anything a client sent" (DESIGN.md): odd lengths and shapes of every input to every
// operation get a 400 BadParameter (or a valid answer: verify says false), and leave the vault usable.
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { KeyVaultError } from "../../../src/vault/index.js";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { b64u, ctx, openVault, type Fixture } from "./fixture.js";

let f: Fixture;
beforeAll(async () => {
  f = await openVault();
  await f.vault.keys.importKey("rsa", { key: rsaKey(2048).jwk }, ctx);
  await f.vault.keys.importKey("ec", { key: ecKey("P-521").jwk }, ctx);
  for (const bits of [128, 256]) await f.vault.keys.importKey(`aes${bits}`, { key: octKey(bits).jwk }, ctx);
});

const LENGTHS = [0, 1, 7, 8, 15, 16, 17, 24, 31, 32, 33, 64, 255, 256, 257, 512, 4096, 70_000, 1_100_000];
const bytes = (n: number) => b64u(nc.randomBytes(n));

async function expectClientOutcome(p: Promise<unknown>, what: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KeyVaultError)) throw new Error(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    expect({ what, status: e.status, code: e.code }).toEqual({ what, status: 400, code: "BadParameter" });
    expect(e.message.length, what).toBeGreaterThan(10);
  }
}

describe("odd input lengths never give a 500", () => {
  it.each(["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"])("RSA %s encrypt, decrypt, wrapKey, unwrapKey", async (alg) => {
    for (const n of LENGTHS) {
      const value = bytes(n);
      await expectClientOutcome(f.vault.keys.encrypt("rsa", undefined, { alg, value }, ctx), `encrypt ${alg} ${n}`);
      await expectClientOutcome(f.vault.keys.decrypt("rsa", undefined, { alg, value }, ctx), `decrypt ${alg} ${n}`);
      await expectClientOutcome(f.vault.keys.wrapKey("rsa", undefined, { alg, value }, ctx), `wrapKey ${alg} ${n}`);
      await expectClientOutcome(f.vault.keys.unwrapKey("rsa", undefined, { alg, value }, ctx), `unwrapKey ${alg} ${n}`);
    }
  });

  it.each([
    ["rsa", "RS256", 32],
    ["rsa", "PS512", 64],
    ["ec", "ES512", 64],
  ] as const)("%s %s verify with signatures of every length says false or 400", async (name, alg, len) => {
    const digest = bytes(len);
    for (const n of LENGTHS) {
      await expectClientOutcome(f.vault.keys.verify(name, undefined, { alg, digest, value: bytes(n) }, ctx), `verify ${alg} ${n}`);
    }
    const r = await f.vault.keys.verify(name, undefined, { alg, digest, value: bytes(name === "ec" ? 132 : 256) }, ctx);
    expect(r).toEqual({ value: false });
  });

  it("ES512 with an all-zero and an all-0xff signature says false", async () => {
    const digest = bytes(64);
    for (const fill of [0, 0xff]) {
      expect(await f.vault.keys.verify("ec", undefined, { alg: "ES512", digest, value: b64u(Buffer.alloc(132, fill)) }, ctx)).toEqual({
        value: false,
      });
    }
  });

  it.each([128, 256])("AES-%i: GCM, CBC, CBCPAD and KW with every length of value, iv, tag and aad", async (bits) => {
    const name = `aes${bits}`;
    for (const n of LENGTHS) {
      const value = bytes(n);
      for (const mode of ["GCM", "CBC", "CBCPAD"]) {
        const alg = `A${bits}${mode}`;
        await expectClientOutcome(f.vault.keys.encrypt(name, undefined, { alg, value }, ctx), `encrypt ${alg} ${n}`);
        await expectClientOutcome(
          f.vault.keys.decrypt(name, undefined, { alg, value, iv: bytes(mode === "GCM" ? 12 : 16), tag: bytes(16) }, ctx),
          `decrypt ${alg} ${n}`,
        );
      }
      await expectClientOutcome(f.vault.keys.wrapKey(name, undefined, { alg: `A${bits}KW`, value }, ctx), `wrapKey ${n}`);
      await expectClientOutcome(f.vault.keys.unwrapKey(name, undefined, { alg: `A${bits}KW`, value }, ctx), `unwrapKey ${n}`);
    }
    for (const n of [0, 1, 11, 13, 15, 17, 32, 4096]) {
      await expectClientOutcome(
        f.vault.keys.encrypt(name, undefined, { alg: `A${bits}CBC`, value: bytes(32), iv: bytes(n) }, ctx),
        `CBC iv ${n}`,
      );
      await expectClientOutcome(
        f.vault.keys.encrypt(name, undefined, { alg: `A${bits}GCM`, value: bytes(32), iv: bytes(n) }, ctx),
        `GCM iv ${n}`,
      );
      await expectClientOutcome(
        f.vault.keys.decrypt(name, undefined, { alg: `A${bits}GCM`, value: bytes(32), iv: bytes(n), tag: bytes(16) }, ctx),
        `GCM decrypt iv ${n}`,
      );
      await expectClientOutcome(
        f.vault.keys.decrypt(name, undefined, { alg: `A${bits}GCM`, value: bytes(32), iv: bytes(12), tag: bytes(n) }, ctx),
        `GCM tag ${n}`,
      );
      await expectClientOutcome(
        f.vault.keys.encrypt(name, undefined, { alg: `A${bits}GCM`, value: bytes(32), aad: bytes(n * 100) }, ctx),
        `GCM aad ${n * 100}`,
      );
    }
  });

  it("the vault still works after all of it", async () => {
    const data = nc.randomBytes(32);
    const ct = await f.vault.keys.encrypt("aes256", undefined, { alg: "A256GCM", value: b64u(data) }, ctx);
    expect((await f.vault.keys.decrypt("aes256", undefined, { alg: "A256GCM", value: ct.value, iv: ct.iv, tag: ct.tag }, ctx)).value).toBe(
      b64u(data),
    );
    const digest = bytes(64);
    const sig = await f.vault.keys.sign("ec", undefined, { alg: "ES512", value: digest }, ctx);
    expect((await f.vault.keys.verify("ec", undefined, { alg: "ES512", digest, value: sig.value }, ctx)).value).toBe(true);
  });
});
