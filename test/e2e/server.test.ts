// The end-to-end suite over the wasm core (the real `wasm-hsm serve`). Families that have not
// landed in the core are skipped loudly; WASM_HSM_E2E_STRICT=1 runs them anyway.
await import("./server.suite.js");
