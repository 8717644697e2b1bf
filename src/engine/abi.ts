// The core's ABI as the engine uses it: the tables generated from the core's sources
// (src/engine/generated/abi.ts, `npm run gen`), and the names derived from them.
import { CurveId, type HashId, KeyKind } from "./generated/abi.js";

export {
  AesMode,
  CoreStatus,
  CurveId,
  curveBits,
  HashId,
  hashLength,
  KeyKind,
  KeyRefusal,
  ReleaseEnc,
  RSA_MAX_PART_BYTES,
  RsaPadding,
  refusalMessages,
  STATUS_OK,
  statusMessages,
  type CoreErrorCode,
} from "./generated/abi.js";

export type KeyKindName = keyof typeof KeyKind;
export type HashName = keyof typeof HashId;
/** Key Vault's curve names: P-256, P-256K (secp256k1), P-384, P-521. */
export type CurveName = keyof typeof CurveId;

/** The name of a key kind id, or undefined. */
export function keyKindName(id: number): KeyKindName | undefined {
  return (Object.keys(KeyKind) as KeyKindName[]).find((k) => KeyKind[k] === id);
}

/** The name of a curve id, or undefined. */
export function curveName(id: number): CurveName | undefined {
  return (Object.keys(CurveId) as CurveName[]).find((c) => CurveId[c] === id);
}
