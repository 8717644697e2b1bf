// Raw core instances (src/engine/core.ts): the release build, or the test build for its hooks.
export { newCore, newTestCore } from "./wasm.js";
