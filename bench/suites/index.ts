// Every benchmark suite, in the order they run. Each family adds its own file here.
import type { Suite } from "../harness.js";
import { hashSuite } from "./hash.js";
import { rsaSuite } from "./rsa.js";

export const suites: Suite[] = [hashSuite, rsaSuite];
