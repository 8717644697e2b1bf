// Every benchmark suite, in the order they run. Each family adds its own file here.
import type { Suite } from "../harness.js";
import { hashSuite } from "./hash.js";
import { aesSuite } from "./aes.js";
import { ecSuite } from "./ec.js";

export const suites: Suite[] = [hashSuite, aesSuite, ecSuite];
