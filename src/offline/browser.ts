// `wasm-hsm/offline` in a browser (the entry of dist/browser/wasm-hsm.js and wasm-hsm.inline.js):
// the offline vault, its worker a module Web Worker. The core and the worker come from beside the
// bundle (hsm.wasm, wasm-hsm.worker.js), or from inside it in the single-file bundle.
import { decodeBase64url } from "../encoding/base64url.js";
import type { WorkerPort } from "../server/workers/protocol.js";
import { inlineWasm, inlineWorker } from "./inline-assets.js";
import { openOfflineVault, type OfflineVault, type OfflineVaultOptions, type WasmInput } from "./vault.js";

export { DEFAULT_OFFLINE_URL, type OfflineVault, type OfflineVaultOptions, type OfflineClientOptions, type WasmInput } from "./vault.js";
export type { OfflineManagement } from "./management.js";
export type { ControlsOptions, SeedInput, ThrottleInput } from "../server/vaults/options.js";

/**
 * A Key Vault in the page (or, with `worker: true`, in a Web Worker): give `url`, `credential` and
 * `clientOptions` to KeyClient, SecretClient or CertificateClient. Nothing goes to the network.
 */
export function createOfflineVault(options: OfflineVaultOptions = {}): Promise<OfflineVault> {
  return openOfflineVault(options, { spawnWorker, defaultWasm });
}

function defaultWasm(): WasmInput {
  if (inlineWasm !== undefined) return decodeBase64url(inlineWasm)!;
  return new URL("./hsm.wasm", import.meta.url);
}

let workerUrl: string | URL | undefined;

function spawnWorker(): WorkerPort {
  // One Blob URL for the bundle's life: a worker may still be loading from it.
  workerUrl ??=
    inlineWorker !== undefined
      ? URL.createObjectURL(new Blob([inlineWorker], { type: "text/javascript" }))
      : new URL("./wasm-hsm.worker.js", import.meta.url);
  return webWorkerPort(new Worker(workerUrl, { type: "module", name: "wasm-hsm vault" }));
}

/** A Web Worker as the pool sees it. A browser reports no exit: a load error or terminate() is one. */
function webWorkerPort(worker: Worker): WorkerPort {
  const exits: ((reason: string) => void)[] = [];
  let exited = false;
  const exit = (reason: string) => {
    if (exited) return;
    exited = true;
    worker.terminate();
    for (const fn of exits) fn(reason);
  };
  worker.addEventListener("error", (e) => {
    e.preventDefault();
    exit(`it failed: ${e.message || "the worker could not load"}`);
  });
  return {
    post: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    onMessage: (fn) => worker.addEventListener("message", (e) => fn(e.data)),
    onExit: (fn) => exits.push(fn),
    terminate: async () => exit("terminated"),
  };
}
