// The worker's side: a whole vault (engine, Vault, router) behind a message port. It waits for the
// owner's "init", opens the engine and the vault over the owner's store, says "ready", then answers
// each "request" with the router's response. The same code runs in a worker_threads Worker
// (node-entry.ts) and in a browser's Web Worker (src/offline/browser-worker.ts).
import { Hsm } from "../../engine/index.js";
import { openRecoveringVault, type Vault } from "../../vault/index.js";
import { applySeed, type SeedMode } from "../../seed/apply.js";
import type { VaultSeed } from "../../seed/entries.js";
import { KeyVaultError, WriteNeededError } from "../../vault/errors.js";
import { errorAnswer, type ServerLogger } from "../errors.js";
import { createRouter, type HttpResponse, type Router } from "../router.js";
import {
  cloneableLogObject,
  type ControlOp,
  type FromWorker,
  type HostPort,
  type LogLevel,
  type StoreOp,
  type ToWorker,
  type VaultWorkerConfig,
} from "./protocol.js";
import { RecordCache } from "./record-cache.js";
import { ProxySharedDomain, ProxyStore, type StoreCall } from "./store-proxy.js";

export function startVaultHost(port: HostPort): void {
  let router: Router | undefined;
  let vault: Vault | undefined;
  let clockOffsetMs = 0;
  let nextCall = 1;
  let cache: RecordCache | undefined;
  const calls = new Map<number, { resolve(v: { value: unknown; writes?: number }): void; reject(e: Error): void }>();
  const post = (msg: FromWorker) => port.post(msg);

  const storeCall: StoreCall = (op: StoreOp, args: unknown[]) =>
    new Promise((resolve, reject) => {
      const id = nextCall++;
      calls.set(id, { resolve, reject });
      post({ type: "store", id, op, args });
    });

  const logFor = (id: number | undefined): ServerLogger => {
    const line = (level: LogLevel) => (obj: object, msg?: string) => {
      try {
        post({
          type: "log",
          ...(id !== undefined ? { id } : {}),
          level,
          obj: cloneableLogObject(obj),
          ...(msg !== undefined ? { msg } : {}),
        });
      } catch {
        // A log line that cannot cross is dropped, never the request.
      }
    };
    return { info: line("info"), warn: line("warn"), error: line("error") };
  };

  async function init(config: VaultWorkerConfig): Promise<void> {
    cache = config.cacheRecords ? new RecordCache() : undefined;
    clockOffsetMs = config.clockOffsetMs ?? 0;
    // After a trap in the core the worker throws the instance away and makes a new one, as a vault in the
    // main thread does (vault/recovery.ts): the request that met it gets 503, the domain is re-imported
    // through the owner, and keys are unsealed again on demand from the owner's store.
    const log = logFor(undefined);
    vault = await openRecoveringVault({
      engine: () => Hsm.create(config.wasm ? { wasm: config.wasm } : {}),
      onRestart: ({ restarts, cause, error }) =>
        error
          ? log.error({ err: error, cause }, "the HSM engine could not be restarted; requests get 503 until it is")
          : log.error({ cause, restarts }, "the HSM engine trapped and was restarted; keys are unsealed again from the store"),
      clock: () => Date.now() + clockOffsetMs,
      store: new ProxyStore(storeCall, config.durable, cache, config.sharedLock === true),
      sharedDomain: new ProxySharedDomain(storeCall),
      ...(config.domainSecret !== undefined ? { domainSecret: config.domainSecret } : {}),
      ...(config.recoverableDays !== undefined ? { recoverableDays: config.recoverableDays } : {}),
      ...(config.deleteDelayMs !== undefined ? { deleteDelayMs: config.deleteDelayMs } : {}),
      ...(config.attestationJwks !== undefined ? { attestationJwks: config.attestationJwks } : {}),
    });
    router = createRouter({ vault, ...config.router, log: logFor(undefined) });
    post({ type: "ready", domainId: vault.securityDomainId });
  }

  async function request(id: number, msg: Extract<ToWorker, { type: "request" }>): Promise<void> {
    // The owner sends requests only after "ready".
    if (!router) {
      post({ type: "response", id, res: notOpen() });
      return;
    }
    const opts = { ...(msg.requestId !== undefined ? { requestId: msg.requestId } : {}), log: logFor(id) };
    // The router answers every failure itself, except the one a read-only request may meet: then the
    // owner runs it again on the name's own worker.
    let res: HttpResponse;
    try {
      res = await router.handle(msg.req, { ...opts, ...(msg.readOnly === true ? { readOnly: true } : {}) });
    } catch (err) {
      if (err instanceof WriteNeededError) {
        post({ type: "redirect", id });
        return;
      }
      res = router.errorResponse(msg.req, err, opts);
    }
    post({ type: "response", id, res });
  }

  async function control(op: ControlOp, args: unknown[]): Promise<unknown> {
    if (!vault) throw new KeyVaultError(503, "ServiceUnavailable", "The vault is not open yet.");
    switch (op) {
      case "setClockOffset":
        clockOffsetMs = args[0] as number;
        return undefined;
      case "sweep":
        return vault.sweep();
      case "exportContents":
        return vault.exportContents();
      case "importContents":
        return vault.importContents(args[0] as Uint8Array);
      case "sealedDomain":
        return vault.sealedDomain();
      case "keyShape":
        return vault.keys.shape(args[0] as string);
      case "applySeed":
        return applySeed(vault, args[0] as VaultSeed, { source: args[1] as string, mode: args[2] as SeedMode });
    }
  }

  port.onMessage((msg) => {
    switch (msg.type) {
      case "control":
        control(msg.op, msg.args).then(
          (value) => post({ type: "control-result", id: msg.id, ok: true, value }),
          (err: unknown) => {
            const e = err as Partial<KeyVaultError>;
            post({
              type: "control-result",
              id: msg.id,
              ok: false,
              ...(typeof e.status === "number" ? { status: e.status } : {}),
              ...(typeof e.code === "string" ? { code: e.code } : {}),
              message: err instanceof Error ? err.message : String(err),
            });
          },
        );
        return;
      case "init":
        init(msg.config).catch((err: unknown) => post({ type: "init-failed", message: err instanceof Error ? err.message : String(err) }));
        return;
      case "request":
        void request(msg.id, msg);
        return;
      case "store-result": {
        const call = calls.get(msg.id);
        if (!call) return;
        calls.delete(msg.id);
        if (msg.ok) call.resolve({ value: msg.value, ...(msg.writes !== undefined ? { writes: msg.writes } : {}) });
        else call.reject(new Error(msg.message));
        return;
      }
      case "written":
        cache?.written(msg.kind, msg.name, msg.writes);
        if (msg.forgetKeys === true) vault?.keys.forgetUnsealed(msg.name);
        return;
    }
  });
}

function notOpen(): HttpResponse {
  const { status, body } = errorAnswer(new KeyVaultError(503, "ServiceUnavailable", "The vault is not open yet."));
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}
