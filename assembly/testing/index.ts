// Entry of the TEST build (build/hsm.test.wasm): the product's exports plus hooks that only tests
// may call. The release build (assembly/index.ts -> build/hsm.wasm) never contains these; the test
// test/src/engine/exports.test.ts fails if one of them reaches it. Add a hook: one line below.
export * from "../index";
export * from "./bn";
export * from "./ec";
export * from "./hmac";
export * from "./ct";
export * from "./rand";
