// Making key material and the version that records it. Create, import, BYOK and rotation all end
// here: one place generates by family, one place seals a new key into a version record.
import type { KeyHandle } from "../../engine/index.js";
import { encodeBase64url, decodeBase64url } from "../../encoding/base64url.js";
import { publicMembers } from "../../jwk/public.js";
import type { AttributesRecord, KeyVersionProps, VersionRecord } from "../../store/types.js";
import type { Family } from "../../engine/index.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { engineCall } from "../errormap.js";
import { newVersionId } from "../names.js";

/** What a new key is generated from. */
export interface KeyShape {
  family: Family;
  keySize: number;
  /** EC only. */
  crv?: string;
  /** RSA only; 65537 unless said. */
  publicExponent?: number;
}

/** A function that makes the key in the engine: the one branch on family for generation. */
export function generator(engine: VaultEngine, shape: KeyShape): () => KeyHandle {
  switch (shape.family) {
    case "RSA":
      return () => engine.generateRsa(shape.keySize, shape.publicExponent ?? 65537);
    case "EC":
      return () => engine.generateEc(shape.crv!);
    case "oct":
      return () => engine.generateOct(shape.keySize);
  }
}

/** The shape of an existing version, to make another like it (rotation). */
export function shapeOf(props: KeyVersionProps, family: Family): KeyShape {
  const e = family === "RSA" ? decodeBase64url(props.publicJwk.e ?? "") : undefined;
  return {
    family,
    keySize: props.keySize,
    ...(props.publicJwk.crv !== undefined ? { crv: props.publicJwk.crv } : {}),
    ...(e ? { publicExponent: e.reduce((acc, b) => acc * 256 + b, 0) } : {}),
  };
}

/**
 * Seals a key that is in the engine into a new version record. The handle is the caller's until this
 * returns; on failure the caller wipes it.
 */
export function sealedVersion(
  engine: VaultEngine,
  domain: SecurityDomain,
  handle: KeyHandle,
  description: { family: Family; kty: string; keySize: number; keyOps: string[] },
  attributes: AttributesRecord,
  tags: Record<string, string> | undefined,
  releasePolicy?: KeyVersionProps["releasePolicy"],
): VersionRecord<KeyVersionProps> {
  const sealed = encodeBase64url(engineCall(() => engine.seal(domain.handle, handle)));
  const publicJwk = description.family === "oct" ? {} : engineCall(() => engine.publicJwk(handle));
  return {
    version: newVersionId((n) => engine.randomBytes(n)),
    attributes,
    ...(tags !== undefined ? { tags } : {}),
    props: {
      kty: description.kty,
      keySize: description.keySize,
      keyOps: description.keyOps,
      publicJwk: publicMembers(publicJwk),
      ...(releasePolicy ? { releasePolicy: { ...releasePolicy } } : {}),
    },
    sealed,
  };
}
