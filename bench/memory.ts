// Memory of the engine: the core's linear memory and the process's RSS after 1,000 and 10,000
// live keys of each type (bytes per key), and their growth over a long run of mixed operations
// (1,000,000 in a full run; there should be none once the working set is warm).
//
// Each key type is measured in a process of its own (memory-child.ts): in this one, the garbage of
// the crypto cases would move the RSS more than the keys. There a key is made once and then
// unsealed N times: each unseal makes a new slot holding the same material as a generated key,
// without paying N key generations (RSA-4096 takes seconds each). The linear memory grows in steps
// (whole allocator regions), so its bytes per key are those of the steps; RSS shows the pages the
// keys touch. Run with --expose-gc (npm run bench does) so that RSS is read after a collection.
import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Hsm, type KeyHandle, type RsaPrivateJwk } from "../src/engine/index.js";

export interface KeyMemory {
  type: string;
  keys: number;
  /** The core's linear memory with that many live keys of the type (it grows in steps). */
  linearBytes: number;
  linearBytesPerKey: number;
  rssBytesPerKey: number;
}

export interface MemoryReport {
  perKey: KeyMemory[];
  mixed: { ops: number; seconds: number; linearGrowthBytes: number; rssGrowthBytes: number; liveKeysBefore: number; liveKeysAfter: number };
}

type Maker = (hsm: Hsm) => KeyHandle;

const rsa = (bits: number): Maker => {
  const jwk = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ format: "jwk" }) as RsaPrivateJwk;
  return (hsm) => hsm.importRsa(jwk);
};

function rss(): number {
  globalThis.gc?.();
  return process.memoryUsage().rss;
}

/** Bytes per key at each count, for one key type, measured in a process of its own (memory-child.ts). */
function perKey(type: string, counts: number[]): KeyMemory[] {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", fileURLToPath(new URL("./memory-child.ts", import.meta.url)), type, ...counts.map(String)],
    { encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`memory-child ${type}: ${child.stderr}`);
  const { rows } = JSON.parse(child.stdout.trim().split("\n").pop()!) as { rows: Omit<KeyMemory, "type">[] };
  return rows.map((r) => ({ type, ...r }));
}

/** A long run of mixed operations on a warm instance; returns the growth of memory across it. */
async function mixed(ops: number): Promise<MemoryReport["mixed"]> {
  const hsm = await Hsm.create();
  const rsaKey = rsa(2048)(hsm);
  const ecKey = hsm.generateEc("P-256");
  const aesKey = hsm.generateOct(256);
  const digest = createHash("sha256").update("mixed").digest();
  const secret = randomBytes(32);
  const ecSig = hsm.sign(ecKey, "ES256", digest);
  const wrapped = hsm.wrapKey(aesKey, "A256KW", secret);
  const gcm = hsm.encrypt(aesKey, "A256GCM", secret);
  const step = (i: number) => {
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        return hsm.sign(ecKey, "ES256", digest);
      case 3:
      case 4:
        return hsm.verify(ecKey, "ES256", digest, ecSig);
      case 5:
        return hsm.wrapKey(aesKey, "A256KW", secret);
      case 6:
        return hsm.unwrapKey(aesKey, "A256KW", wrapped);
      case 7:
        return hsm.decrypt(aesKey, "A256GCM", gcm.ciphertext, { iv: gcm.iv, tag: gcm.tag });
      case 8:
        // Key churn: a key made and destroyed, as a vault does on create and purge.
        return hsm.destroy(i % 1000 === 8 ? hsm.generateEc("P-384") : hsm.generateOct(128));
      default:
        // An RSA private operation now and then (each costs ~1 ms).
        return i % 1000 === 9 ? hsm.sign(rsaKey, "RS256", digest) : hsm.randomBytes(32);
    }
  };
  for (let i = 0; i < Math.min(20_000, ops); i++) step(i); // warm: scratch, tables, caches
  const before = { linear: hsm.memoryBytes(), rss: rss(), keys: hsm.keyCount() };
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) step(i);
  const seconds = (performance.now() - t0) / 1000;
  return {
    ops,
    seconds,
    linearGrowthBytes: hsm.memoryBytes() - before.linear,
    rssGrowthBytes: rss() - before.rss,
    liveKeysBefore: before.keys,
    liveKeysAfter: hsm.keyCount(),
  };
}

export async function memoryReport(quick: boolean, log: (line: string) => void): Promise<MemoryReport> {
  // --quick: one type per family and size class (each type is a process of its own).
  const types = quick
    ? ["rsa2048", "rsa4096", "p256", "p521", "aes256"]
    : ["rsa2048", "rsa3072", "rsa4096", "p256", "p256k", "p384", "p521", "aes128", "aes256"];
  const perKeyAll: KeyMemory[] = [];
  for (const type of types) {
    const rows = perKey(type, [1_000, 10_000]);
    for (const r of rows) {
      log(
        `memory  ${r.type.padEnd(8)} ${String(r.keys).padStart(6)} keys: linear memory ${(r.linearBytes / 2 ** 20).toFixed(1)} MiB, ${r.linearBytesPerKey} B/key; RSS ${r.rssBytesPerKey} B/key`,
      );
    }
    perKeyAll.push(...rows);
  }
  const m = await mixed(quick ? 50_000 : 1_000_000);
  log(
    `memory  ${m.ops.toLocaleString("en-US")} mixed operations in ${m.seconds.toFixed(1)} s: linear memory +${m.linearGrowthBytes} B, RSS ${m.rssGrowthBytes >= 0 ? "+" : ""}${m.rssGrowthBytes} B, live keys ${m.liveKeysBefore} -> ${m.liveKeysAfter}`,
  );
  return { perKey: perKeyAll, mixed: m };
}
