// Unsealed keys in the engine, by "name/version" (case-folded name). The sealed records in the store
// are the truth: a key is unsealed on first use and wiped from the engine when its object is deleted
// or purged.
import type { KeyHandle } from "../../engine/index.js";
import { decodeBase64url } from "../../encoding/base64url.js";
import { nameKey, type KeyVersionProps, type ObjectRecord, type VersionRecord } from "../../store/types.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { engineCall } from "../errormap.js";
import { KeyVaultError } from "../errors.js";

export class UnsealedKeys {
  readonly #engine: VaultEngine;
  readonly #domain: SecurityDomain;
  readonly #handles = new Map<string, KeyHandle>();

  constructor(engine: VaultEngine, domain: SecurityDomain) {
    this.#engine = engine;
    this.#domain = domain;
  }

  /** The engine handle of a version, unsealing it on first use. */
  get(name: string, v: VersionRecord<KeyVersionProps>): KeyHandle {
    const id = idOf(name, v.version);
    let h = this.#handles.get(id);
    if (h === undefined) {
      const blob = v.sealed === undefined ? undefined : decodeBase64url(v.sealed);
      if (!blob) throw new KeyVaultError(500, "InternalError", `The stored material of ${name}/${v.version} is corrupt.`);
      h = engineCall(() => this.#engine.unseal(this.#domain.handle, blob));
      this.#handles.set(id, h);
    }
    return h;
  }

  /** Registers the handle of a version just made (the handle is then ours to wipe). */
  add(name: string, version: string, handle: KeyHandle): void {
    this.#handles.set(idOf(name, version), handle);
  }

  /** Wipes every unsealed copy of a key's versions from the engine. */
  forget(rec: ObjectRecord<KeyVersionProps, unknown>): void {
    for (const v of rec.versions) {
      const id = idOf(rec.name, v.version);
      const h = this.#handles.get(id);
      if (h !== undefined) {
        this.#engine.destroy(h);
        this.#handles.delete(id);
      }
    }
  }
}

function idOf(name: string, version: string): string {
  return `${nameKey(name)}/${version}`;
}
