// Numeric identifiers shared with the core. Mirrors assembly/keys/kinds.ts and assembly/hash/ids.ts.

export const KeyKind = {
  oct: 1,
  rsa: 2,
  ec: 3,
  seal: 4,
  rsaPublic: 5,
  ecPublic: 6,
} as const;
export type KeyKindName = keyof typeof KeyKind;

export const HashId = { "SHA-1": 1, "SHA-256": 2, "SHA-384": 3, "SHA-512": 4 } as const;
export type HashName = keyof typeof HashId;
export const hashLength: Record<HashName, number> = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };
