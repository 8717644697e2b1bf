// The ABI numbers the core-level cases pass to the test build's hooks, from the engine's tables.
export { HashId } from "../../../src/engine/abi.js";
export { AesMode } from "../../../src/engine/oct.js";

/** assembly/rsa/decrypt.ts RSA_PAD_*; src/engine/rsa.ts keeps them private until the generated ABI tables land. */
export const RsaPadding = { PKCS1: 1, OAEP_PSS: 2 } as const;
