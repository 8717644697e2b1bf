// The vault's security domain: one sealing key inside the core, created once per vault or loaded
// from the store or from a domain file that several vaults share (so a backup made by one restores
// into another). The domain key leaves the core only sealed, under a key the core derives from a
// domain secret (the emulator has no hardware root; the secret is configurable).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { KeyHandle } from "../engine/index.js";
import type { KeyStore, SecurityDomainRecord } from "../store/types.js";
import type { VaultEngine } from "./engine.js";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";

export const DEFAULT_DOMAIN_SECRET = "wasm-hsm emulator security domain v1";

export interface SecurityDomain {
  handle: KeyHandle;
  id: Uint8Array;
  idHex: string;
}

export async function openSecurityDomain(
  engine: VaultEngine,
  store: KeyStore,
  options: { file?: string; secret?: string },
): Promise<SecurityDomain> {
  const secret = new TextEncoder().encode(options.secret ?? DEFAULT_DOMAIN_SECRET);
  let record = await store.getDomain();
  if (!record && options.file && existsSync(options.file)) {
    record = JSON.parse(readFileSync(options.file, "utf8")) as SecurityDomainRecord;
    await store.putDomain(record);
  }
  let handle: KeyHandle;
  if (record) {
    const blob = decodeBase64url(record.sealed);
    if (!blob) throw new Error("the stored security domain is not valid base64url");
    handle = engine.importSealingKey(blob, secret);
  } else {
    handle = engine.generateSealingKey();
    // A domain that need not outlive this process never leaves the core, not even sealed.
    if (store.durable || options.file) {
      const id = Buffer.from(engine.sealingKeyId(handle)).toString("hex");
      record = { id, sealed: encodeBase64url(engine.exportSealingKey(handle, secret)) };
      await store.putDomain(record);
      if (options.file) writeFileSync(options.file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    }
  }
  const id = engine.sealingKeyId(handle);
  return { handle, id, idHex: Buffer.from(id).toString("hex") };
}
