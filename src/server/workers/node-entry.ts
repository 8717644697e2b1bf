// The worker_threads entry of a vault worker (see host.ts); the pool's Node spawner starts it.
import { parentPort } from "node:worker_threads";
import { eachMessage, MessageBatcher } from "./batch.js";
import { startVaultHost } from "./host.js";
import type { FromWorker } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("node-entry.ts runs only as a worker_threads Worker");
const batcher = new MessageBatcher<FromWorker>(
  (data, transfer) => port.postMessage(data, transfer as never),
  setImmediate,
  (msg, err) => {
    // A log line that cannot cross is dropped, never the request (host.ts). Any other message is an
    // answer the owner waits for: fail as an unsent answer always did, by stopping this worker (its
    // requests answer 503, and another worker takes its place).
    if (msg.type !== "log") throw err;
  },
);
startVaultHost({
  post: (msg, transfer) => batcher.post(msg, transfer),
  onMessage: (fn) => port.on("message", (data) => eachMessage(data, fn)),
});
