// A pool of vault workers behind one Router. The owner thread (the server's main thread, or the
// caller of an offline vault) keeps the store and the security domain, sealed; each worker runs an
// engine, a Vault and a router over them (host.ts). Transport-free: the spawner decides whether
// workers are worker_threads (node-spawn.ts) or Web Workers (src/offline/browser.ts).
//  - Every request for one object name goes to one worker (a hash of the case-folded name), so that
//    the vault's per-name locks still serialise read-modify-write; requests without a name (lists,
//    /rng, restore) go to the worker with the fewest requests in flight.
//  - The first worker opens the security domain (creating it, sealed, if the store has none); the
//    others start after it and import the same sealed domain, so that any worker opens any record.
//  - A worker that dies answers its pending requests 503 in Key Vault's envelope and is replaced;
//    no key is lost, since every record is in the owner's store.
import type { ObjectKind, ObjectRecord, ObjectStore, SharedDomainSource } from "../../store/types.js";
import { nameKey } from "../../store/records.js";
import type { AttestationApi, VaultApi } from "../../model/index.js";
import type { JSONWebKeySet } from "jose";
import { KeyVaultError } from "../../vault/errors.js";
import { silentLogger, type ServerLogger } from "../errors.js";
import { createRouter, objectNameOf, objectOf, type HandleOptions, type HttpRequest, type HttpResponse, type Router } from "../router.js";
import {
  STORE_OPS,
  type ControlOp,
  type FromWorker,
  type StoreOp,
  type ToWorker,
  type VaultWorkerConfig,
  type WorkerPort,
} from "./protocol.js";
import { MemorySharedDomain } from "./store-proxy.js";

export interface WorkerPoolOptions {
  /** Number of workers, at least 1. */
  size: number;
  /** Starts one worker running host.ts. */
  spawn: () => WorkerPort;
  /** The store every worker reads and writes through the owner. The owner closes it. */
  store: ObjectStore;
  /** Where the shared security domain lives (a DomainFile); default: in the owner's memory, sealed. */
  sharedDomain?: SharedDomainSource;
  config: Omit<VaultWorkerConfig, "durable">;
  /** Events of the pool itself (a worker stopped, another took its place). */
  log?: ServerLogger;
  /**
   * The built-in attestation service, served by the owner so that every worker trusts the one signer
   * (each worker's own would be known only to itself): its routes are answered here, and its public key
   * is added to every worker's trusted attestation signers.
   */
  attestation?: AttestationApi;
}

export interface PoolHandleOptions extends HandleOptions {
  /** Sends the request to this worker instead of the one its name picks (tests of the shared domain). */
  worker?: number;
}

interface Pending {
  req: HttpRequest;
  opts: HandleOptions | undefined;
  resolve(res: HttpResponse): void;
}

interface Slot {
  index: number;
  /** Control calls in flight (control-result by id). */
  controls?: Map<number, { resolve(v: unknown): void; reject(e: Error): void }>;
  port?: WorkerPort;
  ready?: Promise<WorkerPort>;
  /** The slot's worker has been ready: if it stops, another takes its place at once. */
  live: boolean;
  pending: Map<number, Pending>;
  /** When the worker last answered a request, or went from idle to busy (performance.now()). */
  lastProgress: number;
}

/** A worker with requests in flight that has answered none for this long (ms) is stuck on a long one (making a key). */
export const STALLED_MS = 5;

/** A router that the pool never lets reach the vault: it answers the challenge and builds error answers. */
const NO_VAULT = new Proxy({} as VaultApi, {
  get() {
    throw new Error("the pool's own router never calls the vault");
  },
});

export class WorkerPool {
  readonly size: number;
  /** preflight (the challenge) answered here; handle() by a worker; errors in Key Vault's envelope. */
  readonly router: Router;
  readonly #options: WorkerPoolOptions;
  readonly #local: Router;
  readonly #shared: SharedDomainSource;
  readonly #slots: Slot[];
  /** Where the pool's own events go (the server sets its logger once fastify made it). */
  log: ServerLogger;
  #domainId?: string;
  #nextId = 1;
  #nextSlot = 0;
  #closing = false;
  #clockOffsetMs = 0;
  /** The store's cross-process locks that workers hold, by id (store op "lock"). */
  readonly #locks = new Map<number, { port: WorkerPort; release: () => void }>();
  #nextLock = 1;
  /** Writes to the store completed so far (record-cache.ts). */
  #writes = 0;

  private constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new Error(`a worker pool needs at least one worker, got ${options.size}`);
    this.size = options.size;
    this.#options = options;
    this.log = options.log ?? silentLogger;
    this.#shared = options.sharedDomain ?? new MemorySharedDomain();
    const local: VaultApi = options.attestation
      ? new Proxy({ attestation: options.attestation } as VaultApi, {
          get(target, prop) {
            if (prop === "attestation") return target.attestation;
            throw new Error("the pool's own router never calls the vault");
          },
        })
      : NO_VAULT;
    this.#local = createRouter({ vault: local, ...options.config.router, log: this.log });
    this.#slots = Array.from({ length: options.size }, (_, index) => ({ index, pending: new Map(), live: false, lastProgress: 0 }));
    this.router = {
      preflight: (req, opts) => this.#local.preflight(req, opts),
      handle: (req, opts) => this.handle(req, opts),
      errorResponse: (req, err, opts) => this.#local.errorResponse(req, err, opts),
      maxBodyBytes: this.#local.maxBodyBytes,
      largestBodyBytes: this.#local.largestBodyBytes,
    };
  }

  /** Starts the workers: the first alone (it settles the security domain), then the others together. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    if (options.attestation) {
      const own = (await options.attestation.jwks({ vaultUrl: "https://owner.invalid", apiVersion: "" })) as JSONWebKeySet;
      const trusted = options.config.attestationJwks?.keys ?? [];
      options = { ...options, config: { ...options.config, attestationJwks: { keys: [...trusted, ...own.keys] } } };
    }
    const pool = new WorkerPool(options);
    try {
      // Every worker starts loading at once (most of a worker's start is its modules); the others open
      // their vaults once the first has settled the security domain, which they then import.
      const first = pool.#ensure(pool.#slots[0]!);
      await Promise.all([first, ...pool.#slots.slice(1).map((s) => pool.#ensure(s, first))]);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** The security domain every worker opened (hex). */
  get securityDomainId(): string | undefined {
    return this.#domainId;
  }

  /** Requests in flight, per worker. */
  inFlight(): number[] {
    return this.#slots.map((s) => s.pending.size);
  }

  /** The worker that serves requests for this object name. */
  workerFor(name: string): number {
    return workerIndexFor(name, this.size);
  }

  async handle(req: HttpRequest, opts?: PoolHandleOptions): Promise<HttpResponse> {
    const early = this.#local.preflight(req, opts);
    if (early) return early;
    if (this.#options.attestation && /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/_attestation(?:[/?#]|$)/i.test(req.url))
      return this.#local.handle(req, opts);
    if (this.#closing) return this.#unavailable(req, opts, "The vault is shutting down.");
    const to = opts?.worker !== undefined ? { index: opts.worker, readOnly: false } : this.#pick(req);
    const slot = this.#slots[to.index];
    if (!slot) return this.#local.errorResponse(req, new Error(`no worker ${opts?.worker}`), opts);
    return new Promise<HttpResponse>((resolve) => this.#dispatch(slot, req, opts, resolve, to.readOnly));
  }

  /**
   * Sends a request to the slot's worker; `readOnly` when the slot is not the name's own (#pick). The
   * request counts as in flight there at once, before its worker is known to be ready, so that the
   * next #pick, in the same turn, sees it.
   */
  #dispatch(
    slot: Slot,
    req: HttpRequest,
    opts: PoolHandleOptions | undefined,
    resolve: (res: HttpResponse) => void,
    readOnly: boolean,
  ): void {
    const id = this.#nextId++;
    if (slot.pending.size === 0) slot.lastProgress = performance.now();
    slot.pending.set(id, { req, opts, resolve });
    this.#ensure(slot).then(
      (port) => {
        // Answered meanwhile (its worker stopped: 503): nothing to send.
        if (slot.pending.get(id)?.resolve === resolve) this.#post(slot, port, id, req, opts, readOnly);
      },
      (err: unknown) => {
        if (slot.pending.get(id)?.resolve !== resolve) return;
        slot.pending.delete(id);
        resolve(this.#unavailable(req, opts, `The vault's worker could not start: ${(err as Error).message}`));
      },
    );
  }

  #post(slot: Slot, port: WorkerPort, id: number, req: HttpRequest, opts: PoolHandleOptions | undefined, readOnly: boolean): void {
    const { resolve } = slot.pending.get(id)!;
    const { body, transfer } = cloneBody(req.body);
    const { worker: _worker, log: _log, readOnly: _readOnly, ...rest } = opts ?? {};
    port.setBusy?.(true);
    try {
      const msg: ToWorker = {
        type: "request",
        id,
        req: { method: req.method, url: req.url, headers: req.headers, body },
        ...rest,
        ...(readOnly ? { readOnly: true as const } : {}),
      };
      port.post(msg, transfer);
    } catch (err) {
      slot.pending.delete(id);
      if (slot.pending.size === 0) port.setBusy?.(false);
      resolve(this.#local.errorResponse(req, err, opts));
    }
  }

  /**
   * Stops one worker as a crash would: its pending requests answer 503 and a new worker takes its
   * place. Resolves once the new worker is ready.
   */
  async terminateWorker(index: number): Promise<void> {
    const slot = this.#slots[index];
    if (!slot) throw new Error(`no worker ${index}`);
    const port = slot.port;
    if (port) {
      await port.terminate();
      this.#onExit(slot, port, "terminated");
    }
    await this.#ensure(slot);
  }

  /**
   * A vault-wide operation on one worker's vault (any worker: they share the store and the domain), or on
   * every worker's (`all`): clock offsets and sweeps must reach each vault.
   */
  async control(op: ControlOp, args: unknown[] = [], all = false): Promise<unknown> {
    if (op === "setClockOffset") this.#clockOffsetMs = args[0] as number;
    const slots = all ? this.#slots : [this.#slots[this.#leastBusy()]!];
    const results = await Promise.all(
      slots.map(async (slot) => {
        const port = await this.#ensure(slot);
        const id = this.#nextId++;
        slot.controls ??= new Map();
        return new Promise<unknown>((resolve, reject) => {
          slot.controls!.set(id, { resolve, reject });
          port.post({ type: "control", id, op, args });
        });
      }),
    );
    return results[0];
  }

  /** Stops every worker; requests still in flight answer 503. The owner closes the store. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map((s) => s.port?.terminate()));
  }

  /**
   * The worker for a request: its name's own (requests on one name are serialised there by the
   * vault's per-name locks). A key operation or a GET of a key or a secret (Route.readOnly) only
   * reads, so when the name's own worker has more requests in flight than another, the other takes
   * it, read-only: one hot key uses every worker (an RSA key's signatures, about 1 ms each, on every
   * core); a GET (Route.spread "stalled") goes elsewhere only when its name's worker is stuck on a
   * long request, so that it does not wait behind a key being made there. Should that request
   * have to write first (a due rotation or purge), or find nothing live (a create in flight), the
   * worker says "redirect" and it goes to the name's own.
   * Requests without a name go to the least busy worker.
   */
  #pick(req: HttpRequest): { index: number; readOnly: boolean } {
    const { name, readOnly, spread } = objectOf(req);
    if (name === undefined) return { index: this.#leastBusy(), readOnly: false };
    const home = workerIndexFor(name, this.size);
    if (!readOnly || (spread === "stalled" && !this.#stalled(this.#slots[home]!))) return { index: home, readOnly: false };
    const least = this.#leastBusy(home);
    return { index: least, readOnly: least !== home };
  }

  /** The request `id` of the slot's current worker, no longer in flight there; undefined if it was answered already. */
  #settle(slot: Slot, port: WorkerPort, id: number): Pending | undefined {
    const p = slot.pending.get(id);
    if (!p || slot.port !== port) return undefined;
    slot.pending.delete(id);
    slot.lastProgress = performance.now();
    if (slot.pending.size === 0) port.setBusy?.(false);
    return p;
  }

  /** The slot's worker has requests in flight and has answered none for STALLED_MS. */
  #stalled(slot: Slot): boolean {
    return slot.pending.size > 0 && performance.now() - slot.lastProgress >= STALLED_MS;
  }

  /** The worker with the fewest requests in flight; among equals `preferred`, else the next in turn. */
  #leastBusy(preferred?: number): number {
    let best = preferred ?? -1;
    for (let k = 0; k < this.size; k++) {
      const i = (this.#nextSlot + k) % this.size;
      if (best < 0 || this.#slots[i]!.pending.size < this.#slots[best]!.pending.size) best = i;
    }
    if (preferred === undefined || best !== preferred) this.#nextSlot = (best + 1) % this.size;
    return best;
  }

  /**
   * The slot's worker once it is ready, starting one if the slot has none. With `after`, the worker
   * is spawned now but told to open its vault only once `after` resolves (and stopped if it rejects).
   */
  #ensure(slot: Slot, after?: Promise<unknown>): Promise<WorkerPort> {
    if (slot.ready) return slot.ready;
    const port = this.#options.spawn();
    slot.port = port;
    let notStarted!: (e: Error) => void;
    const ready = new Promise<WorkerPort>((resolve, reject) => {
      notStarted = reject;
      port.onMessage((msg) => this.#onMessage(slot, port, msg, resolve, reject));
      port.onPostError?.((msg, err) => this.#unsent(slot, port, msg, err, reject));
      port.onExit((reason) => {
        reject(new Error(`the worker stopped while starting: ${reason}`));
        this.#onExit(slot, port, reason);
      });
    });
    slot.ready = ready;
    // A failed start leaves the slot empty: the next request tries again.
    ready.catch(() => {
      if (slot.ready === ready) {
        slot.ready = undefined;
        slot.port = undefined;
        void port.terminate();
      }
    });
    const store = this.#options.store;
    const init = () =>
      port.post({
        type: "init",
        config: {
          ...this.#options.config,
          durable: store.durable,
          clockOffsetMs: this.#clockOffsetMs,
          // A store with a lock across processes is written by other processes too, which no worker hears of.
          cacheRecords: store.exclusive === undefined,
          sharedLock: store.exclusive !== undefined,
        },
      });
    if (after) {
      after.then(
        () => {
          try {
            init();
          } catch (err) {
            notStarted(err instanceof Error ? err : new Error(String(err)));
          }
        },
        (err: unknown) => notStarted(new Error(`another worker did not start: ${(err as Error).message}`)),
      );
    } else init();
    return ready;
  }

  #onMessage(slot: Slot, port: WorkerPort, msg: FromWorker, ready: (p: WorkerPort) => void, failed: (e: Error) => void): void {
    switch (msg.type) {
      case "ready":
        if (this.#domainId !== undefined && msg.domainId !== this.#domainId) {
          failed(new Error(`the worker opened security domain ${msg.domainId}, not the pool's ${this.#domainId}`));
          return;
        }
        this.#domainId = msg.domainId;
        slot.live = true;
        ready(port);
        return;
      case "init-failed":
        failed(new Error(msg.message));
        return;
      case "response": {
        const p = this.#settle(slot, port, msg.id);
        p?.resolve(msg.res);
        return;
      }
      case "redirect": {
        // A read-only request that must write first: again, on its name's own worker.
        const p = this.#settle(slot, port, msg.id);
        if (!p) return;
        const name = objectNameOf(p.req);
        const home = this.#slots[name === undefined ? slot.index : workerIndexFor(name, this.size)]!;
        this.#dispatch(home, p.req, p.opts, p.resolve, false);
        return;
      }
      case "store":
        void this.#serveStore(port, msg.id, msg.op, msg.args);
        return;
      case "control-result": {
        const call = slot.controls?.get(msg.id);
        if (!call) return;
        slot.controls!.delete(msg.id);
        if (msg.ok) call.resolve(msg.value);
        else
          call.reject(
            msg.status !== undefined ? new KeyVaultError(msg.status, msg.code ?? "InternalError", msg.message) : new Error(msg.message),
          );
        return;
      }
      case "log": {
        const log = (msg.id !== undefined ? slot.pending.get(msg.id)?.opts?.log : undefined) ?? this.log;
        log[msg.level]({ ...msg.obj, worker: slot.index }, msg.msg);
        return;
      }
    }
  }

  /**
   * A message that a batching port could not send (it cannot be cloned): answered as a port that
   * sends at once would have had it answered, from the throw of post().
   */
  #unsent(slot: Slot, port: WorkerPort, msg: ToWorker, err: unknown, failedStart: (e: Error) => void): void {
    if (slot.port !== port) return;
    switch (msg.type) {
      case "request": {
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        if (slot.pending.size === 0) port.setBusy?.(false);
        p.resolve(this.#local.errorResponse(p.req, err, p.opts));
        return;
      }
      case "control": {
        const call = slot.controls?.get(msg.id);
        slot.controls?.delete(msg.id);
        call?.reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      case "init":
        failedStart(err instanceof Error ? err : new Error(String(err)));
        return;
      default:
        // A store answer or a write notice the worker will never get: it cannot go on correctly.
        this.log.error({ worker: slot.index, err, message: msg.type }, "a message to a vault worker could not be sent; stopping it");
        void port.terminate();
    }
  }

  #onExit(slot: Slot, port: WorkerPort, reason: string): void {
    // A worker that stops while holding the store's lock must not keep other processes waiting for ever.
    for (const [id, held] of this.#locks) {
      if (held.port !== port) continue;
      this.#locks.delete(id);
      held.release();
    }
    if (slot.port !== port) return;
    const wasLive = slot.live;
    slot.port = undefined;
    slot.ready = undefined;
    slot.live = false;
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const c of slot.controls?.values() ?? [])
      c.reject(new KeyVaultError(503, "ServiceUnavailable", "The vault's worker stopped before it answered."));
    slot.controls?.clear();
    for (const p of pending) {
      p.resolve(this.#unavailable(p.req, p.opts, "The vault's worker stopped before it answered this request; retry it."));
    }
    // A worker that failed while starting is not replaced at once (it would fail again): the next request tries.
    if (this.#closing || !wasLive) return;
    this.log.error({ worker: slot.index, reason, failedRequests: pending.length }, "a vault worker stopped; starting another");
    this.#ensure(slot).catch((err: unknown) =>
      this.log.error({ worker: slot.index, err }, "the replacement vault worker did not start; the next request tries again"),
    );
  }

  async #serveStore(port: WorkerPort, id: number, op: StoreOp, args: unknown[]): Promise<void> {
    let reply: ToWorker;
    const writes = this.#writes;
    try {
      const value = await this.#storeOp(op, args, port);
      reply = { type: "store-result", id, ok: true, value, ...(op === "get" ? { writes } : {}) };
    } catch (err) {
      reply = { type: "store-result", id, ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    // Every worker hears of a write (done or failed: the record may have changed) before the writer's answer.
    if (op === "put" || op === "remove") {
      const [kind, name] = op === "put" ? [(args[0] as ObjectRecord).kind, (args[0] as ObjectRecord).name] : [args[0], args[1]];
      this.#written(kind as ObjectKind, name as string, port);
    }
    try {
      port.post(reply);
    } catch {
      // The worker is gone; its requests have been answered 503.
    }
  }

  #written(kind: ObjectKind, name: string, writer: WorkerPort): void {
    const msg: ToWorker = { type: "written", kind, name, writes: ++this.#writes };
    // A key written (updated, rotated, deleted, purged) by its own worker: the others, which may have
    // unsealed its versions for read-only requests (#pick), wipe them and unseal again if asked.
    const others: ToWorker = kind === "key" ? { ...msg, forgetKeys: true } : msg;
    for (const slot of this.#slots) {
      try {
        slot.port?.post(slot.port === writer ? msg : others);
      } catch {
        // A worker that is gone has no cache to correct; its replacement starts empty.
      }
    }
  }

  #storeOp(op: StoreOp, args: unknown[], port: WorkerPort): Promise<unknown> {
    const store = this.#options.store;
    const a = args as any[];
    switch (op) {
      case "lock": {
        // The store's lock across processes, held for a worker until it says "unlock" or stops.
        const exclusive = store.exclusive?.bind(store);
        if (!exclusive) return Promise.reject(new Error("this store has no lock across processes"));
        const id = this.#nextLock++;
        return new Promise<number>((acquired, failed) => {
          exclusive(
            a[0],
            a[1],
            () =>
              new Promise<void>((release) => {
                this.#locks.set(id, { port, release });
                acquired(id);
              }),
          ).catch(failed);
        });
      }
      case "unlock": {
        const held = this.#locks.get(a[0]);
        this.#locks.delete(a[0]);
        held?.release();
        return Promise.resolve();
      }
      case "getDomain":
        return store.getDomain();
      case "putDomain":
        return store.putDomain(a[0]);
      case "get":
        return store.get(a[0], a[1]);
      case "put":
        return store.put(a[0]);
      case "remove":
        return store.remove(a[0], a[1]);
      case "list":
        return store.list(a[0], a[1]);
      case "names":
        return store.names(a[0]);
      case "loadShared":
        return this.#shared.load();
      case "saveShared":
        return this.#shared.save(a[0]);
      default:
        return Promise.reject(new Error(`unknown store call ${String(op)}; expected one of ${STORE_OPS.join(", ")}`));
    }
  }

  #unavailable(req: HttpRequest, opts: HandleOptions | undefined, message: string): HttpResponse {
    return this.#local.errorResponse(req, new KeyVaultError(503, "ServiceUnavailable", message), opts);
  }
}

/** FNV-1a (32 bits) of the case-folded name, modulo the pool's size. */
export function workerIndexFor(name: string, size: number): number {
  const key = nameKey(name);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % size;
}

/** A copy of the body that the worker may own (a Node Buffer may share its memory with others). */
function cloneBody(body: HttpRequest["body"]): { body: HttpRequest["body"]; transfer: Transferable[] } {
  if (body === undefined || body === null || typeof body === "string") return { body, transfer: [] };
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  return { body: copy, transfer: [copy.buffer] };
}
