// No call of the vault ever returns private material. Imports (JWK and BYOK) of node:crypto keys, then every
// method; every object returned (and every error message, and every store record) is searched for the bytes of
// d, p, q, dp, dq, qi and k: as base64url, base64 and hex text in the JSON, and as raw bytes inside any
// base64url value. Overlapping windows of the secrets are searched too, so that a partial leak is caught.
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { b64u, ctx, openVault, type Fixture } from "./fixture.js";
import { aesKw, nodeEncrypt, nodePublicKey } from "./node-check.js";
import { keyHsm, pkcs8, transferBlob } from "./transfer.js";

interface Secret {
  label: string;
  bytes: Buffer;
}

const secrets: Secret[] = [];
const outputs: { label: string; value: unknown }[] = [];

function addSecrets(label: string, jwk: Record<string, unknown>): void {
  for (const m of ["d", "p", "q", "dp", "dq", "qi", "k"]) {
    if (typeof jwk[m] === "string") secrets.push({ label: `${label}.${m}`, bytes: Buffer.from(jwk[m] as string, "base64url") });
  }
}

async function record<T>(label: string, p: Promise<T> | T): Promise<T> {
  try {
    const value = await p;
    outputs.push({ label, value });
    return value;
  } catch (e) {
    outputs.push({ label: `${label} (error)`, value: { message: (e as Error).message, ...(e as object) } });
    throw e;
  }
}

/** Every string leaf of a value, with its path. */
function strings(value: unknown, path = "$", out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

/** The secret, and its 16-byte windows at a stride of 8: any contiguous leak of 24 bytes or more contains one. */
function needles(s: Secret): Buffer[] {
  const b = s.bytes;
  if (b.length <= 16) return [b];
  const out = [b];
  for (let i = 0; i + 16 <= b.length; i += 8) out.push(b.subarray(i, i + 16));
  out.push(b.subarray(b.length - 16));
  return out;
}

function scan(label: string, value: unknown): string[] {
  const found: string[] = [];
  const json = JSON.stringify(value) ?? "";
  const jsonLower = json.toLowerCase();
  const decoded = strings(value).flatMap(([path, s]) => {
    const parts = [s, ...s.split(/[^A-Za-z0-9_-]+/)].filter((x) => x.length >= 16 && /^[A-Za-z0-9_-]+$/.test(x));
    return parts.map((x) => [path, Buffer.from(x, "base64url")] as const);
  });
  for (const s of secrets) {
    for (const n of needles(s)) {
      const forms = [n.toString("hex"), ...(n === s.bytes ? [n.toString("base64url"), n.toString("base64")] : [])];
      for (const form of forms) {
        if (json.includes(form) || jsonLower.includes(form.toLowerCase())) found.push(`${label}: ${s.label} as text ${form.slice(0, 12)}…`);
      }
      for (const [path, raw] of decoded) if (raw.includes(n)) found.push(`${label} ${path}: raw bytes of ${s.label}`);
    }
  }
  return found;
}

let f: Fixture;
let kekKid: string;
let kekPublic: nc.KeyObject;

beforeAll(async () => {
  f = await openVault();
  const v = f.vault;
  const rsa = rsaKey(2048);
  const rsaHsm = rsaKey(2048);
  const ecs = (["P-256", "P-256K", "P-384", "P-521"] as const).map((crv) => ecKey(crv));
  const octs = [128, 192, 256].map((bits) => octKey(bits));
  addSecrets("rsa", rsa.jwk as Record<string, unknown>);
  addSecrets("rsaHsm", rsaHsm.jwk as Record<string, unknown>);
  ecs.forEach((k, i) => addSecrets(`ec${i}`, k.jwk as Record<string, unknown>));
  octs.forEach((k, i) => addSecrets(`oct${i}`, k.jwk as Record<string, unknown>));

  await record("import rsa", v.keys.importKey("rsa", { key: rsa.jwk, tags: { a: "b" } }, ctx));
  await record("import rsa-hsm", v.keys.importKey("rsa-hsm", { key: { ...rsaHsm.jwk, kty: "RSA-HSM" } }, ctx));
  for (const [i, k] of ecs.entries()) await record(`import ec${i}`, v.keys.importKey(`ec${i}`, { key: k.jwk, Hsm: i % 2 === 0 }, ctx));
  for (const [i, k] of octs.entries()) await record(`import oct${i}`, v.keys.importKey(`oct${i}`, { key: k.jwk }, ctx));

  const kek = await record("create kek", v.keys.createKey("kek", { kty: "RSA-HSM", key_ops: ["import"] }, ctx));
  kekKid = kek.key.kid!;
  kekPublic = nodePublicKey(kek.key);

  // Every method, on every key.
  const names = ["rsa", "rsa-hsm", "ec0", "ec1", "ec2", "ec3", "oct0", "oct1", "oct2", "kek"];
  for (const name of names) {
    await record(`get ${name}`, v.keys.getKey(name, undefined, ctx));
    await record(`versions ${name}`, v.keys.listKeyVersions(name, {}, ctx));
    await record(`policy ${name}`, v.keys.getRotationPolicy(name, ctx));
    await record(`backup ${name}`, v.keys.backupKey(name, ctx));
  }
  await record("list", v.keys.listKeys({}, ctx));
  await record("list paged", v.keys.listKeys({ maxresults: 3 }, ctx));
  await record("update", v.keys.updateKey("rsa", undefined, { tags: { c: "d" }, attributes: { exp: 2_000_000_000 } }, ctx));
  await record(
    "set policy",
    v.keys.updateRotationPolicy("oct0", { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }] }, ctx),
  );
  await record("random", v.keys.getRandomBytes({ count: 128 }));

  const digest = (n: number) => b64u(nc.randomBytes(n));
  for (const name of ["rsa", "rsa-hsm"]) {
    for (const alg of ["RS256", "PS512"]) {
      const d = digest(alg.endsWith("256") ? 32 : 64);
      const sig = await record(`sign ${name} ${alg}`, v.keys.sign(name, undefined, { alg, value: d }, ctx));
      await record(`verify ${name} ${alg}`, v.keys.verify(name, undefined, { alg, digest: d, value: sig.value }, ctx));
    }
    for (const alg of ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"]) {
      const ct = await record(`encrypt ${name} ${alg}`, v.keys.encrypt(name, undefined, { alg, value: digest(32) }, ctx));
      await record(`decrypt ${name} ${alg}`, v.keys.decrypt(name, undefined, { alg, value: ct.value }, ctx));
      const w = await record(`wrap ${name} ${alg}`, v.keys.wrapKey(name, undefined, { alg, value: digest(32) }, ctx));
      await record(`unwrap ${name} ${alg}`, v.keys.unwrapKey(name, undefined, { alg, value: w.value }, ctx));
    }
  }
  for (const [name, alg, n] of [
    ["ec0", "ES256", 32],
    ["ec1", "ES256K", 32],
    ["ec2", "ES384", 48],
    ["ec3", "ES512", 64],
  ] as const) {
    const d = digest(n);
    const sig = await record(`sign ${name}`, v.keys.sign(name, undefined, { alg, value: d }, ctx));
    await record(`verify ${name}`, v.keys.verify(name, undefined, { alg, digest: d, value: sig.value }, ctx));
  }
  for (const [name, bits] of [
    ["oct0", 128],
    ["oct1", 192],
    ["oct2", 256],
  ] as const) {
    for (const mode of ["GCM", "CBC", "CBCPAD"]) {
      const ct = await record(
        `encrypt ${name} ${mode}`,
        v.keys.encrypt(name, undefined, { alg: `A${bits}${mode}`, value: digest(32) }, ctx),
      );
      await record(
        `decrypt ${name} ${mode}`,
        v.keys.decrypt(name, undefined, { alg: `A${bits}${mode}`, value: ct.value, iv: ct.iv, tag: ct.tag }, ctx),
      );
    }
    const w = await record(`wrap ${name}`, v.keys.wrapKey(name, undefined, { alg: `A${bits}KW`, value: digest(32) }, ctx));
    await record(`unwrap ${name}`, v.keys.unwrapKey(name, undefined, { alg: `A${bits}KW`, value: w.value }, ctx));
  }

  // Failing calls: their messages are outputs too.
  const refuse = (label: string, p: Promise<unknown>) => record(label, p).catch(() => undefined);
  await refuse("import disagreeing rsa", v.keys.importKey("bad", { key: { ...rsa.jwk, dp: rsa.jwk.dq } }, ctx));
  await refuse("import rsa wrong d", v.keys.importKey("bad", { key: { ...rsa.jwk, d: rsaHsm.jwk.d } }, ctx));
  await refuse("import ec wrong d", v.keys.importKey("bad", { key: { ...ecs[0]!.jwk, d: ecs[1]!.jwk.d } }, ctx));
  await refuse("import oct 64", v.keys.importKey("bad", { key: { kty: "oct", k: octs[2]!.jwk.k!.slice(0, 11) } }, ctx));
  await refuse(
    "decrypt garbage",
    v.keys.decrypt("rsa", undefined, { alg: "RSA-OAEP", value: b64u(nodeEncrypt("RSA-OAEP", rsaHsm.publicKey, Buffer.from("x"))) }, ctx),
  );
  await refuse(
    "unwrap garbage",
    v.keys.unwrapKey("oct2", undefined, { alg: "A256KW", value: b64u(aesKw(octs[1]!.k.subarray(0, 16), Buffer.alloc(16))) }, ctx),
  );
  await refuse("sign bad digest", v.keys.sign("ec0", undefined, { alg: "ES256", value: digest(20) }, ctx));

  // Rotation, delete, recover, restore, purge.
  await record("rotate rsa", v.keys.rotateKey("rsa-hsm", ctx));
  await record("rotate oct", v.keys.rotateKey("oct1", ctx));
  const backup = await record("backup oct2", v.keys.backupKey("oct2", ctx));
  await record("delete oct2", v.keys.deleteKey("oct2", ctx));
  await record("get deleted", v.keys.getDeletedKey("oct2", ctx));
  await record("list deleted", v.keys.listDeletedKeys({}, ctx));
  await record("recover", v.keys.recoverDeletedKey("oct2", ctx));
  await record("delete again", v.keys.deleteKey("oct2", ctx));
  await record("purge", v.keys.purgeDeletedKey("oct2", ctx));
  await record("restore", v.keys.restoreKey(backup, ctx));
  await record("delete ec3", v.keys.deleteKey("ec3", ctx));
});

describe("no private material in any output", () => {
  it("the scan finds a planted secret (the scan itself works)", () => {
    const s = secrets[0]!;
    expect(scan("planted text", { a: s.bytes.toString("base64url") }).length).toBeGreaterThan(0);
    expect(scan("planted hex", { a: `x${s.bytes.toString("hex").toUpperCase()}y` }).length).toBeGreaterThan(0);
    expect(
      scan("planted raw", { a: b64u(Buffer.concat([Buffer.from("prefix"), s.bytes.subarray(3, 40), Buffer.from("suffix")])) }).length,
    ).toBeGreaterThan(0);
    expect(scan("planted in url", { kid: `https://x/keys/${b64u(Buffer.concat([Buffer.alloc(5), s.bytes]))}` }).length).toBeGreaterThan(0);
  });

  it("covers every method of the vault", () => {
    expect(secrets.length).toBe(2 * 6 + 4 + 3);
    const labels = outputs.map((o) => o.label.split(" ")[0]);
    for (const m of [
      "import",
      "create",
      "get",
      "versions",
      "policy",
      "backup",
      "list",
      "update",
      "set",
      "random",
      "sign",
      "verify",
      "encrypt",
      "decrypt",
      "wrap",
      "unwrap",
      "rotate",
      "delete",
      "recover",
      "purge",
      "restore",
    ]) {
      expect(labels, m).toContain(m);
    }
  });

  it("every returned object and error message is free of d, p, q, dp, dq, qi and k", () => {
    const found = outputs.flatMap((o) => scan(o.label, o.value));
    expect(found).toEqual([]);
  });

  it("every record in the store holds key material only sealed", async () => {
    const found: string[] = [];
    for (const name of await f.store.names("key")) found.push(...scan(`store ${name}`, await f.store.get("key", name)));
    found.push(...scan("store domain", await f.store.getDomain()));
    expect(found).toEqual([]);
  });
});

describe("BYOK-imported keys (RSA, EC and oct targets)", () => {
  let before = 0;
  beforeAll(async () => {
    before = outputs.length;
    const v = f.vault;
    const byokRsa = rsaKey(2048);
    const byokEc = ecKey("P-384");
    const byokOct = octKey(256);
    addSecrets("byokRsa", byokRsa.jwk as Record<string, unknown>);
    addSecrets("byokEc", byokEc.jwk as Record<string, unknown>);
    addSecrets("byokOct", byokOct.jwk as Record<string, unknown>);
    const blob = (target: Uint8Array) => keyHsm(transferBlob({ kid: kekKid, kekPublic, target }));
    await record("byok rsa", v.keys.importKey("byok-rsa", { key: { kty: "RSA-HSM", key_hsm: blob(pkcs8(byokRsa.privateKey)) } }, ctx));
    await record(
      "byok ec",
      v.keys.importKey("byok-ec", { key: { kty: "EC-HSM", crv: "P-384", key_hsm: blob(pkcs8(byokEc.privateKey)) } }, ctx),
    );
    await record("byok oct", v.keys.importKey("byok-oct", { key: { kty: "oct-HSM", key_hsm: blob(byokOct.k) } }, ctx));
    for (const name of ["byok-rsa", "byok-ec", "byok-oct"]) {
      await record(`byok get ${name}`, v.keys.getKey(name, undefined, ctx));
      await record(`byok versions ${name}`, v.keys.listKeyVersions(name, {}, ctx));
      await record(`byok backup ${name}`, v.keys.backupKey(name, ctx));
    }
    const digest = (n: number) => b64u(nc.randomBytes(n));
    const d = digest(32);
    const sig = await record("byok sign rsa", v.keys.sign("byok-rsa", undefined, { alg: "PS256", value: d }, ctx));
    await record("byok verify rsa", v.keys.verify("byok-rsa", undefined, { alg: "PS256", digest: d, value: sig.value }, ctx));
    const ct = await record("byok encrypt rsa", v.keys.encrypt("byok-rsa", undefined, { alg: "RSA-OAEP", value: d }, ctx));
    await record("byok decrypt rsa", v.keys.decrypt("byok-rsa", undefined, { alg: "RSA-OAEP", value: ct.value }, ctx));
    await record("byok sign ec", v.keys.sign("byok-ec", undefined, { alg: "ES384", value: digest(48) }, ctx));
    const w = await record("byok wrap oct", v.keys.wrapKey("byok-oct", undefined, { alg: "A256KW", value: d }, ctx));
    await record("byok unwrap oct", v.keys.unwrapKey("byok-oct", undefined, { alg: "A256KW", value: w.value }, ctx));
    await record("byok rotate", v.keys.rotateKey("byok-ec", ctx));
    await record("byok list", v.keys.listKeys({}, ctx));
    await record("byok delete", v.keys.deleteKey("byok-oct", ctx));
    await record("byok deleted", v.keys.listDeletedKeys({}, ctx));
  });

  it("their outputs, and every output before them, are free of the targets' private parts", () => {
    expect(outputs.length).toBeGreaterThan(before + 20);
    expect(secrets.length).toBe(2 * 6 + 4 + 3 + 6 + 1 + 1);
    expect(outputs.flatMap((o) => scan(o.label, o.value))).toEqual([]);
  });

  it("the store holds them only sealed", async () => {
    const found: string[] = [];
    for (const name of await f.store.names("key")) found.push(...scan(`store ${name}`, await f.store.get("key", name)));
    expect(found).toEqual([]);
  });
});
