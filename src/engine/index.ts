// Public surface of the engine. Core (the raw instance) is deliberately not exported; compileCore
// gives only compiled code, which holds no key.
export { Hsm, type KeyHandle, type KeyInfo, type HsmOptions } from "./hsm.js";
export { compileCore, type WasmSource } from "./core.js";
export { HsmError, type HsmErrorCode, type KeyRefusalName } from "./status.js";
export type { CurveName, HashName, KeyKindName } from "./abi.js";
export {
  ALGORITHMS,
  ALL_ALGORITHMS,
  CURVE_NAMES,
  CURVE_OF_ALG,
  CURVES,
  DIGEST_LENGTH,
  OCT_SIZES,
  RSA_SIZES,
  aesBitsOf,
  algorithmInfo,
  algorithmsFor,
  curveInfo,
  type AlgorithmInfo,
  type CryptoOp,
  type CurveInfo,
  type Family,
} from "./registry.js";
export type { EncryptOptions, EncryptResult, DecryptOptions } from "./family.js";
export type { EcCurve, EcJwk, EcPublicJwk } from "./ec.js";
export type { RsaPrivateJwk, RsaPublicJwk, RsaKeySize } from "./rsa.js";
export { RELEASE_ENCRYPTIONS, isReleaseEncryption, type ReleaseEncryption } from "./release.js";
