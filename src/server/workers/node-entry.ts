// The worker_threads entry of a vault worker (see host.ts); the pool's Node spawner starts it.
import { parentPort } from "node:worker_threads";
import { startVaultHost } from "./host.js";

const port = parentPort;
if (!port) throw new Error("node-entry.ts runs only as a worker_threads Worker");
startVaultHost({
  post: (msg, transfer) => port.postMessage(msg, transfer as never),
  onMessage: (fn) => port.on("message", fn),
});
