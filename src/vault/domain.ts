// The vault's security domain: one sealing key inside the core, created once per vault or loaded
// from the store or from a domain shared with other vaults (so a backup made by one restores into
// another). The domain key leaves the core only sealed, under a key the core derives from a domain
// secret (the emulator has no hardware root; the secret is configurable).
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";
import { toHex } from "../encoding/hex.js";
import type { KeyHandle } from "../engine/index.js";
import { OBJECT_KINDS, type ObjectStore, type SecurityDomainRecord, type SharedDomainSource } from "../store/types.js";
import type { VaultEngine } from "./engine.js";

export const DEFAULT_DOMAIN_SECRET = "wasm-hsm emulator security domain v1";

export interface SecurityDomain {
  handle: KeyHandle;
  id: Uint8Array;
  idHex: string;
}

export interface DomainOptions {
  /** A domain shared with other vaults: adopted when the store has none, checked against it otherwise. */
  shared?: SharedDomainSource;
  secret?: string;
}

export async function openSecurityDomain(engine: VaultEngine, store: ObjectStore, options: DomainOptions): Promise<SecurityDomain> {
  const secret = new TextEncoder().encode(options.secret ?? DEFAULT_DOMAIN_SECRET);
  const stored = await store.getDomain();
  const shared = await options.shared?.load();
  if (stored && shared && stored.id !== shared.id) {
    // Never replace a vault's domain silently: its records open only under their own.
    throw new Error(
      `the store holds security domain ${stored.id}, but ${options.shared!.description} holds ${shared.id}; ` +
        "use the file this store was made with, or a new store",
    );
  }
  if (!stored && !shared) {
    // Records open only under the domain they were sealed with: a new domain would orphan them all.
    const orphan = await anyObject(store);
    if (orphan) {
      throw new Error(
        `the store holds objects (${orphan}) but no security domain: refusing to make a new domain, under which ` +
          "none of them would open. Restore the store from a copy, or give the domain it was made with (--security-domain)",
      );
    }
  }
  let record: SecurityDomainRecord | undefined = stored ?? shared;
  let handle: KeyHandle;
  if (record) {
    const blob = decodeBase64url(record.sealed);
    if (!blob) throw new Error("the stored security domain is not valid base64url");
    handle = engine.importSealingKey(blob, secret);
    if (!stored && store.durable) await store.putDomain(record);
    if (!shared && options.shared) await options.shared.save(record);
  } else {
    handle = engine.generateSealingKey();
    // A domain that need not outlive this process never leaves the core, not even sealed.
    if (store.durable || options.shared) {
      record = { id: toHex(engine.sealingKeyId(handle)), sealed: encodeBase64url(engine.exportSealingKey(handle, secret)) };
      if (store.durable) await store.putDomain(record);
      if (options.shared) await options.shared.save(record);
    }
  }
  const id = engine.sealingKeyId(handle);
  return { handle, id, idHex: toHex(id) };
}

/** "key k1" for some object in the store, deleted or not; undefined if it holds none. */
async function anyObject(store: ObjectStore): Promise<string | undefined> {
  for (const kind of OBJECT_KINDS) {
    for (const deleted of [false, true]) {
      const [first] = await store.list(kind, { deleted, limit: 1 });
      if (first) return `${kind} ${first.name}`;
    }
  }
  return undefined;
}
