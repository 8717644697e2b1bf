// The ABI numbers the core-level cases pass to the test build's hooks: the engine's tables, generated
// from the core's sources (npm run gen), so that there is one source of truth.
export { AesMode, HashId, RsaPadding } from "../../../src/engine/abi.js";
