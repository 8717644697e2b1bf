// The management API (`/management/...` on the emulator's own port; no token needed, like /ping):
//   GET    /management/vaults                   the vaults, with their hosts, port and clock offset
//   PUT    /management/vaults/{name}            create a vault  {aliases?: [host], port?, securityDomain?}
//                                               (port: one of its own, 0 for a free one; not offline)
//   DELETE /management/vaults/{name}            delete a vault and everything in it
//   GET    /management/time                     every clock offset
//   POST   /management/time                     move clocks forward {seconds, vault?}; then due purges,
//                                               rotations and renewals happen at once
//   POST   /management/vaults/{name}/export     {value: base64url, securityDomain}: every object, sealed
//   POST   /management/vaults/{name}/import     {value, securityDomain?}: into an existing vault of the
//                                               same domain, or a new vault made with `securityDomain`
// Answers are JSON; errors are in Key Vault's envelope.
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
import { KeyVaultError } from "../../vault/errors.js";
import type { HttpResponse } from "../router.js";
import type { HostedVault, VaultDirectory } from "./directory.js";

const bad = (message: string) => new KeyVaultError(400, "BadParameter", message);
const MAX_SHIFT_SECONDS = 100 * 365 * 86_400;

export interface ManagementRequest {
  method: string;
  /** Path segments after /management. */
  segments: string[];
  body: unknown;
}

function describe(dir: VaultDirectory, v: HostedVault) {
  return {
    name: v.name,
    hosts: [dir.ownHost(v), ...v.aliases],
    ...(v.port !== undefined ? { port: v.port } : {}),
    clockOffsetSeconds: v.clock.totalOffsetSeconds,
    securityDomainId: v.controls.securityDomainId,
  };
}

function json(status: number, body: unknown): HttpResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

function object(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

function times(dir: VaultDirectory) {
  return {
    globalOffsetSeconds: dir.clock.offsetSeconds,
    vaults: dir.list().map((v) => ({ name: v.name, offsetSeconds: v.clock.totalOffsetSeconds })),
  };
}

export async function handleManagement(dir: VaultDirectory, req: ManagementRequest): Promise<HttpResponse> {
  const [first, name, action, ...rest] = req.segments;
  const m = req.method.toUpperCase();
  if (first === "vaults" && name === undefined) {
    if (m !== "GET") throw new KeyVaultError(405, "MethodNotAllowed", "Allowed: GET.");
    return json(200, { value: dir.list().map((v) => describe(dir, v)) });
  }
  if (first === "vaults" && name !== undefined && action === undefined && rest.length === 0) {
    if (m === "PUT") {
      const b = object(req.body);
      const aliases = b.aliases ?? [];
      if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === "string" && /^[a-z0-9.-]{1,253}$/i.test(a))) {
        throw bad("aliases must be an array of host names.");
      }
      if (b.port !== undefined && !(typeof b.port === "number" && Number.isInteger(b.port) && b.port >= 0 && b.port <= 65535)) {
        throw bad("port must be a whole number from 0 (a free port) to 65535.");
      }
      const created = await dir.create({
        name,
        aliases: aliases as string[],
        ...(b.port !== undefined ? { port: b.port as number } : {}),
        ...(b.securityDomain ? { securityDomain: b.securityDomain as never } : {}),
      });
      return json(201, describe(dir, created));
    }
    if (m === "DELETE") {
      await dir.delete(name);
      return json(204, undefined);
    }
    if (m === "GET") {
      const v = dir.get(name);
      if (!v) throw new KeyVaultError(404, "NotFound", `No vault named ${name}.`);
      return json(200, describe(dir, v));
    }
    throw new KeyVaultError(405, "MethodNotAllowed", "Allowed: GET, PUT, DELETE.");
  }
  if (first === "vaults" && name !== undefined && (action === "export" || action === "import") && rest.length === 0) {
    if (m !== "POST") throw new KeyVaultError(405, "MethodNotAllowed", "Allowed: POST.");
    if (action === "export") {
      const v = dir.get(name);
      if (!v) throw new KeyVaultError(404, "NotFound", `No vault named ${name}.`);
      return json(200, { value: encodeBase64url(await v.controls.exportContents()), securityDomain: await v.controls.sealedDomain() });
    }
    const b = object(req.body);
    const blob = typeof b.value === "string" ? decodeBase64url(b.value) : undefined;
    if (!blob) throw bad("The export must be a base64url string in 'value'.");
    const v = dir.get(name) ?? (await dir.create({ name, ...(b.securityDomain ? { securityDomain: b.securityDomain as never } : {}) }));
    return json(200, { imported: await v.controls.importContents(blob), vault: describe(dir, v) });
  }
  if (first === "time" && name === undefined) {
    if (m === "GET") return json(200, times(dir));
    if (m !== "POST") throw new KeyVaultError(405, "MethodNotAllowed", "Allowed: GET, POST.");
    const b = object(req.body);
    const seconds = b.seconds;
    if (typeof seconds !== "number" || !Number.isSafeInteger(seconds) || seconds <= 0 || seconds > MAX_SHIFT_SECONDS) {
      throw bad(`seconds must be a whole number from 1 to ${MAX_SHIFT_SECONDS} (clocks only move forward).`);
    }
    let affected: HostedVault[];
    if (b.vault === undefined) {
      dir.clock.shift(seconds);
      affected = dir.list();
    } else {
      const v = typeof b.vault === "string" ? dir.get(b.vault) : undefined;
      if (!v) throw new KeyVaultError(404, "NotFound", `No vault named ${JSON.stringify(b.vault)}.`);
      v.clock.shift(seconds);
      affected = [v];
    }
    // What the clock passed happens now, not at the next read: purges, rotations, renewals.
    for (const v of affected) {
      await v.controls.setClockOffset(v.clock.totalOffsetSeconds * 1000);
      await v.controls.sweep();
    }
    return json(200, times(dir));
  }
  throw new KeyVaultError(404, "NotFound", "The requested management resource was not found.");
}
