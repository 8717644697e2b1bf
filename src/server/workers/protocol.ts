// The messages between a thread that owns the store (the server's main thread, or the page or test
// process of an offline vault) and a worker that runs a whole vault: engine, Vault and router. The
// owner sends requests and gets answers; the worker reads and writes records through the owner, so
// that the owner never holds the core's memory and a worker that dies loses no key.
// Everything here crosses postMessage (structured clone): plain data, Uint8Array, WebAssembly.Module.
// A Node port sends an array of messages as one (batch.ts); the messages themselves are never arrays.
import type { ObjectKind } from "../../store/records.js";
import type { HttpRequest, HttpResponse } from "../router.js";

/** What a worker needs to open its vault. */
export interface VaultWorkerConfig {
  /** The core, compiled by the owner; without it the worker loads the default (Node: build/hsm.wasm). */
  wasm?: WebAssembly.Module;
  /** The secret the security-domain key is sealed under for storage (not key material: a passphrase). */
  domainSecret?: string;
  /** Whether the owner's store outlives the process (ObjectStore.durable). */
  durable: boolean;
  /**
   * Whether the worker may keep the records it read (record-cache.ts): only when every write to the
   * store goes through the owner, which then tells each worker of each write. Off for a store shared
   * by several processes.
   */
  cacheRecords?: boolean;
  /** The owner's store has a lock across processes (PostgreSQL): the worker takes it through the owner ("lock", "unlock"). */
  sharedLock?: boolean;
  recoverableDays?: number;
  /** How far the vault's clock runs ahead of real time (the management API's time shift), in ms. */
  clockOffsetMs?: number;
  /** A delete or recover becomes visible this many ms later (--delete-delay-ms). */
  deleteDelayMs?: number;
  /** Further trusted attestation signers (--attestation-jwks), as a JWKS. */
  attestationJwks?: import("jose").JSONWebKeySet;
  router: {
    vaultUrl?: string;
    scheme?: "https" | "http";
    defaultHost?: string;
    authResource?: string;
    maxBodyBytes?: number;
  };
}

/** The store calls a worker may make: ObjectStore's methods, and the shared domain's load and save. */
export const STORE_OPS = [
  "getDomain",
  "putDomain",
  "get",
  "put",
  "remove",
  "list",
  "names",
  "loadShared",
  "saveShared",
  "lock",
  "unlock",
] as const;
export type StoreOp = (typeof STORE_OPS)[number];

/** Vault-wide operations that the emulator's controls (management API, throttle) ask of a worker's vault. */
export const CONTROL_OPS = [
  "setClockOffset",
  "sweep",
  "exportContents",
  "importContents",
  "sealedDomain",
  "keyShape",
  "applySeed",
] as const;
export type ControlOp = (typeof CONTROL_OPS)[number];

export type ToWorker =
  | { type: "init"; config: VaultWorkerConfig }
  | { type: "control"; id: number; op: ControlOp; args: unknown[] }
  /** `readOnly`: the worker is not the name's own; it may read, and sends "redirect" if it would have to write. */
  | { type: "request"; id: number; req: HttpRequest; requestId?: string; readOnly?: true }
  /** `writes`: on a get, the number of writes the owner had completed when the read began. */
  | { type: "store-result"; id: number; ok: true; value: unknown; writes?: number }
  | { type: "store-result"; id: number; ok: false; message: string }
  /** The owner completed its write number `writes`, to this record (sent to every worker before the writer's answer). */
  /** `forgetKeys`: another worker wrote this key; wipe any unsealed copy of its versions. */
  | { type: "written"; kind: ObjectKind; name: string; writes: number; forgetKeys?: true };

export type LogLevel = "info" | "warn" | "error";

export type FromWorker =
  | { type: "ready"; domainId: string }
  | { type: "init-failed"; message: string }
  | { type: "response"; id: number; res: HttpResponse }
  /** A readOnly request that must write first (a due rotation or purge): the owner sends it to the name's own worker. */
  | { type: "redirect"; id: number }
  | { type: "control-result"; id: number; ok: true; value: unknown }
  | { type: "control-result"; id: number; ok: false; status?: number; code?: string; message: string }
  | { type: "store"; id: number; op: StoreOp; args: unknown[] }
  /** A log line of the worker's router; `id` is the request it belongs to, if any. */
  | { type: "log"; id?: number; level: LogLevel; obj: Record<string, unknown>; msg?: string };

/** One end of a worker, as the owner sees it: Node's worker_threads.Worker or a browser's Worker. */
export interface WorkerPort {
  /** Sends at once, throwing if the message cannot be cloned, or later (batch.ts), then see onPostError. */
  post(msg: ToWorker, transfer?: Transferable[]): void;
  /** A port that sends later calls fn with each message it could not send (not cloneable). */
  onPostError?(fn: (msg: ToWorker, error: unknown) => void): void;
  onMessage(fn: (msg: FromWorker) => void): void;
  /** Called once when the worker has stopped, for whatever reason. */
  onExit(fn: (reason: string) => void): void;
  /** Stops the worker; onExit's callback runs. */
  terminate(): Promise<void>;
  /** Whether the worker keeps the process alive (Node); the pool refs it only while calls are pending. */
  setBusy?(busy: boolean): void;
}

/** The worker's end: worker_threads' parentPort, or a Web Worker's global scope. */
export interface HostPort {
  post(msg: FromWorker, transfer?: Transferable[]): void;
  onMessage(fn: (msg: ToWorker) => void): void;
}

/** Errors, which a log object may hold, as plain data for postMessage. */
export function cloneableLogObject(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v instanceof Error) {
      const code = (v as { code?: unknown }).code;
      out[k] = { type: v.name, message: v.message, stack: v.stack, ...(typeof code === "string" ? { code } : {}) };
    } else if (v === null || ["string", "number", "boolean", "undefined"].includes(typeof v)) out[k] = v;
    else {
      try {
        out[k] = JSON.parse(JSON.stringify(v));
      } catch {
        out[k] = String(v);
      }
    }
  }
  return out;
}
