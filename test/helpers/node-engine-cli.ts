// `wasm-hsm` with the reference node:crypto engine instead of the wasm core (WASM_HSM_E2E_ENGINE=node).
import { main } from "../../src/cli.js";
import { NodeEngine } from "./node-engine.js";

await main(process.argv.slice(2), { engine: new NodeEngine() });
