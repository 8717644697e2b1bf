// Child process for the kill -9 test: writes keys to a SqliteStore and prints "ack N" after each
// write has been acknowledged (its promise resolved). The parent kills it at some point.
import { SqliteStore } from "../../src/store/sqlite.js";
import { storedKey } from "./stored-key.js";

const store = await SqliteStore.open(process.argv[2]);
process.stdout.write("ready\n");
for (let i = 0; ; i++) {
  await store.put(storedKey(`key-${i}`, 1 + (i % 3)));
  process.stdout.write(`ack ${i}\n`);
}
