// Public surface of the engine. Core (the raw instance) is deliberately not exported; compileCore
// gives only compiled code, which holds no key.
export { Hsm, type KeyHandle, type KeyInfo, type HsmOptions } from "./hsm.js";
export { compileCore, type WasmSource } from "./core.js";
export { HsmError, type HsmErrorCode } from "./status.js";
export type { HashName, KeyKindName } from "./abi.js";
export type { EncryptOptions, EncryptResult, DecryptOptions } from "./family.js";
export type { EcCurve, EcJwk, EcPublicJwk } from "./ec.js";
export type { RsaPrivateJwk, RsaPublicJwk, RsaKeySize } from "./rsa.js";
