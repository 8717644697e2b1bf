// Every benchmark suite, in the order they run. Each family adds its own file here.
import type { Suite } from "../harness.js";
import { aesSuite } from "./aes.js";
import { rsaSuite } from "./rsa.js";
import { ecSuite } from "./ec.js";
import { serverSuite } from "./server.js";

export const suites: Suite[] = [aesSuite, rsaSuite, ecSuite, serverSuite];
