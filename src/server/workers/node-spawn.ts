// Starts vault workers as Node worker_threads. From compiled JavaScript the entry is node-entry.js;
// from the TypeScript sources (tsx, vitest) the worker registers tsx first, as bin/wasm-hsm.mjs does.
import { Worker } from "node:worker_threads";
import { eachMessage, MessageBatcher, type Undeliverable } from "./batch.js";
import type { ToWorker, WorkerPort } from "./protocol.js";

/** `entry` and `workerData` are for tests (a worker entry that injects faults); the default is node-entry. */
export function spawnNodeWorker(options: { entry?: URL; workerData?: unknown } = {}): WorkerPort {
  const fromSource = import.meta.url.endsWith(".ts") || options.entry?.pathname.endsWith(".ts") === true;
  const entry = options.entry ?? new URL(fromSource ? "./node-entry.ts" : "./node-entry.js", import.meta.url);
  let worker: Worker;
  if (fromSource) {
    const tsx = import.meta.resolve("tsx/esm/api");
    const bootstrap =
      `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })` +
      `.catch((err) => { console.error(err); process.exit(1); });`;
    worker = new Worker(bootstrap, { eval: true, name: "wasm-hsm vault", workerData: options.workerData });
  } else {
    worker = new Worker(entry, { name: "wasm-hsm vault", workerData: options.workerData });
  }
  let exited = false;
  const exitFns: ((reason: string) => void)[] = [];
  let lastError = "";
  const exit = (reason: string) => {
    if (exited) return;
    exited = true;
    for (const fn of exitFns) fn(reason);
  };
  worker.on("error", (err) => {
    lastError = err instanceof Error ? err.message : String(err);
  });
  worker.on("exit", (code) => exit(lastError ? `it failed: ${lastError}` : `it exited with code ${code}`));
  worker.unref();
  const undeliverable: Undeliverable<ToWorker>[] = [];
  const batcher = new MessageBatcher<ToWorker>(
    (data, transfer) => worker.postMessage(data, transfer as never),
    setImmediate,
    (msg, err) => {
      for (const fn of undeliverable) fn(msg, err);
    },
  );
  return {
    post: (msg, transfer) => batcher.post(msg, transfer),
    onPostError: (fn) => undeliverable.push(fn),
    onMessage: (fn) => worker.on("message", (data) => eachMessage(data, fn)),
    onExit: (fn) => exitFns.push(fn),
    terminate: async () => {
      await worker.terminate();
    },
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}
