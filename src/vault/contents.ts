// A whole vault's contents, exported and imported (the emulator's management API, for tests that
// snapshot a vault). Every object of every kind, with all its versions and deletion state, in one blob:
//
//   magic "WHSMVLT1" (8) | domain id (16) | created u64 (Unix seconds) | AES-256-GCM(JSON {records})
//
// sealed like a backup, under a key the core derives from the security domain (the header is the
// AAD). Material inside the records stays sealed under the domain too, so only a vault of the same
// security domain can import it. Import checks everything before it writes anything.
import type { ObjectRecord } from "../store/types.js";
import type { SecurityDomain } from "./domain.js";
import type { VaultEngine } from "./engine.js";
import { engineCall } from "./errormap.js";
import { badParameter, conflict } from "./errors.js";
import type { ObjectLifecycle } from "./lifecycle/objects.js";

const MAGIC = new TextEncoder().encode("WHSMVLT1");
const HEADER_LENGTH = MAGIC.length + 16 + 8;
const INVALID = "The vault export is invalid: it is corrupt, truncated, of an unknown format, or from another security domain.";

// Lifecycles of every kind, whatever their props.
type AnyLifecycle = ObjectLifecycle<any, any>;

export async function exportContents(engine: VaultEngine, domain: SecurityDomain, kinds: AnyLifecycle[], now: number): Promise<Uint8Array> {
  const records: ObjectRecord[] = [];
  for (const life of kinds) {
    for (const name of await life.names()) {
      // Under the object's lock, so that an export never sees a record half-way through an operation.
      const rec = await life.exclusive(name, () => life.load(name));
      if (rec) records.push(rec as ObjectRecord);
    }
  }
  const header = new Uint8Array(HEADER_LENGTH);
  header.set(MAGIC);
  header.set(domain.id.subarray(0, 16), MAGIC.length);
  new DataView(header.buffer).setBigUint64(MAGIC.length + 16, BigInt(now));
  const sealed = engineCall(() => engine.backupEncrypt(domain.handle, header, new TextEncoder().encode(JSON.stringify({ records }))));
  const out = new Uint8Array(header.length + sealed.length);
  out.set(header);
  out.set(sealed, header.length);
  return out;
}

/** Imports an export into this vault: every name must be free; nothing is written unless all of it checks. */
export async function importContents(
  engine: VaultEngine,
  domain: SecurityDomain,
  kinds: AnyLifecycle[],
  blob: Uint8Array,
): Promise<number> {
  if (blob.length < HEADER_LENGTH || !MAGIC.every((b, i) => blob[i] === b)) throw badParameter(INVALID);
  if (!domain.id.subarray(0, 16).every((b, i) => blob[MAGIC.length + i] === b)) throw badParameter(INVALID);
  let records: ObjectRecord[];
  try {
    const plain = engine.backupDecrypt(domain.handle, blob.subarray(0, HEADER_LENGTH), blob.subarray(HEADER_LENGTH));
    records = (JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain)) as { records: ObjectRecord[] }).records;
    if (!Array.isArray(records)) throw new Error("no records");
  } catch {
    throw badParameter(INVALID);
  }
  const byKind = new Map(kinds.map((k) => [k.spec.kind, k]));
  for (const rec of records) {
    const life = byKind.get(rec?.kind);
    if (!life || typeof rec.name !== "string" || !Array.isArray(rec.versions) || rec.versions.length === 0) throw badParameter(INVALID);
    try {
      for (const v of rec.versions) life.spec.checkRestoredVersion(v, rec.name, rec.state);
    } catch {
      throw badParameter(INVALID);
    }
    if (await life.load(rec.name))
      throw conflict(`The vault already holds a ${life.spec.label} named ${rec.name}; import into a vault without it.`);
  }
  for (const rec of records) await byKind.get(rec.kind)!.write(rec);
  return records.length;
}
