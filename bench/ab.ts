// A/B comparison of two builds of the core on the hot paths, in one process, interleaved:
//   npx tsx bench/ab.ts OLD.wasm NEW.wasm [--rounds N] [--filter SUBSTRING]
// Each round times every op on A, then on B, then node:crypto doing the same, for ~150 ms each;
// the report gives the median ops/s of each, the ratio B / A, and each build's ratio to
// node:crypto (the "before/after ratios from one run" of the speed work). Interleaving keeps the comparison fair on a machine
// whose load changes from second to second (other agents share these cores), and the rates are
// per second of this process's CPU time, not of wall time.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  constants,
} from "node:crypto";
import { Hsm, type RsaPrivateJwk } from "../src/engine/index.js";

const argv = process.argv.slice(2);
const files = argv.filter((a, i) => !a.startsWith("--") && !argv[i - 1]?.startsWith("--"));
if (files.length !== 2) {
  console.error("usage: npx tsx bench/ab.ts OLD.wasm NEW.wasm [--rounds N] [--filter SUBSTRING]");
  process.exit(2);
}
const flag = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const rounds = Number(flag("--rounds") ?? 7);
const filter = flag("--filter");

type Op = { name: string; fn: () => unknown };

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) as RsaPrivateJwk;

/** node:crypto doing the same work (the message is the digest's input; sign hashes it). */
function nodeOps(): Op[] {
  const rsaKey = createPrivateKey({ key: rsa as any, format: "jwk" });
  const msg = Buffer.from("ab");
  const oaep = { key: rsaKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" };
  const ct = publicEncrypt(oaep, randomBytes(32));
  const ec = (curve: string) => generateKeyPairSync("ec", { namedCurve: curve });
  const p256 = ec("prime256v1");
  const p384 = ec("secp384r1");
  const p1363 = (key: any) => ({ key, dsaEncoding: "ieee-p1363" as const });
  const s256 = nodeSign("sha256", msg, p1363(p256.privateKey));
  const s384 = nodeSign("sha384", msg, p1363(p384.privateKey));
  const kek = randomBytes(32);
  const key = randomBytes(32);
  const iv = Buffer.alloc(8, 0xa6);
  const kw = (data: Buffer, unwrap: boolean) => {
    const c = unwrap ? createDecipheriv("id-aes256-wrap", kek, iv) : createCipheriv("id-aes256-wrap", kek, iv);
    return Buffer.concat([c.update(data), c.final()]);
  };
  const wrapped = kw(key, false);
  return [
    { name: "rsa2048.sign.RS256", fn: () => nodeSign("sha256", msg, rsaKey) },
    { name: "rsa2048.decrypt.RSA-OAEP-256", fn: () => privateDecrypt(oaep, ct) },
    { name: "p256.sign.ES256", fn: () => nodeSign("sha256", msg, p1363(p256.privateKey)) },
    { name: "p256.verify.ES256", fn: () => nodeVerify("sha256", msg, p1363(p256.publicKey), s256) },
    { name: "p384.sign.ES384", fn: () => nodeSign("sha384", msg, p1363(p384.privateKey)) },
    { name: "p384.verify.ES384", fn: () => nodeVerify("sha384", msg, p1363(p384.publicKey), s384) },
    { name: "aes256.wrapKey.A256KW", fn: () => kw(key, false) },
    { name: "aes256.unwrapKey.A256KW", fn: () => kw(wrapped, true) },
  ].filter((o) => !filter || o.name.includes(filter));
}

async function opsFor(wasm: string): Promise<Op[]> {
  const hsm = await Hsm.create({ wasm });
  const hr = hsm.importRsa(rsa);
  const digest = createHash("sha256").update("ab").digest();
  const ct = hsm.encrypt(hr, "RSA-OAEP-256", randomBytes(32)).ciphertext;
  const he = hsm.generateEc("P-256");
  const sig = hsm.sign(he, "ES256", digest);
  const he384 = hsm.generateEc("P-384");
  const d384 = createHash("sha384").update("ab").digest();
  const sig384 = hsm.sign(he384, "ES384", d384);
  const ha = hsm.importOct(randomBytes(32));
  const key = randomBytes(32);
  const wrapped = hsm.wrapKey(ha, "A256KW", key);
  return [
    { name: "rsa2048.sign.RS256", fn: () => hsm.sign(hr, "RS256", digest) },
    { name: "rsa2048.decrypt.RSA-OAEP-256", fn: () => hsm.decrypt(hr, "RSA-OAEP-256", ct) },
    { name: "p256.sign.ES256", fn: () => hsm.sign(he, "ES256", digest) },
    { name: "p256.verify.ES256", fn: () => hsm.verify(he, "ES256", digest, sig) },
    { name: "p384.sign.ES384", fn: () => hsm.sign(he384, "ES384", d384) },
    { name: "p384.verify.ES384", fn: () => hsm.verify(he384, "ES384", d384, sig384) },
    { name: "aes256.wrapKey.A256KW", fn: () => hsm.wrapKey(ha, "A256KW", key) },
    { name: "aes256.unwrapKey.A256KW", fn: () => hsm.unwrapKey(ha, "A256KW", wrapped) },
  ].filter((o) => !filter || o.name.includes(filter));
}

/** Operations per second of CPU time (process.cpuUsage), which other processes on the machine do not inflate. */
function rate(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 3; i++) fn();
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let k = 0; k < 4; k++) fn();
    n += 4;
  }
  const c = process.cpuUsage(c0);
  return (n * 1e6) / (c.user + c.system);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const [a, b] = [await opsFor(files[0]!), await opsFor(files[1]!)];
const node = nodeOps();
const samples = a.map(() => ({ a: [] as number[], b: [] as number[], node: [] as number[] }));
for (let r = 0; r < rounds; r++) {
  a.forEach((op, i) => {
    samples[i]!.a.push(rate(op.fn, 150));
    samples[i]!.b.push(rate(b[i]!.fn, 150));
    samples[i]!.node.push(rate(node[i]!.fn, 150));
  });
}
console.log(`A = ${files[0]}, B = ${files[1]}; ${rounds} interleaved rounds, median ops/s of CPU time`);
for (const [i, op] of a.entries()) {
  const ma = median(samples[i]!.a);
  const mb = median(samples[i]!.b);
  const mn = median(samples[i]!.node);
  console.log(
    `${op.name.padEnd(30)} A ${ma.toFixed(0).padStart(8)}  B ${mb.toFixed(0).padStart(8)}  B/A ${(mb / ma).toFixed(3)}` +
      `   node:crypto ${mn.toFixed(0).padStart(8)}: A ${(ma / mn).toFixed(2)}x, B ${(mb / mn).toFixed(2)}x`,
  );
}
