// The same end-to-end suite with the reference node:crypto engine under the vault: it checks the
// server and the vault on every algorithm whatever the state of the core, and is the baseline the
// wasm core's run is compared with.
process.env.WASM_HSM_E2E_ENGINE = "node";
await import("./server.suite.js");
