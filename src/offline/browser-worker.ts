// The Web Worker entry of a vault worker (dist/browser/wasm-hsm.worker.js): host.ts on the worker's scope.
import type { FromWorker, ToWorker } from "../server/workers/protocol.js";
import { startVaultHost } from "../server/workers/host.js";

const scope = globalThis as unknown as {
  postMessage(msg: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: "message", fn: (e: MessageEvent<ToWorker>) => void): void;
};

startVaultHost({
  post: (msg, transfer) => scope.postMessage(msg, transfer ?? []),
  onMessage: (fn) => scope.addEventListener("message", (e) => fn(e.data)),
});
