// Key kinds held in slots. The host mirrors these in src/engine/abi.ts.
export const KIND_OCT: u8 = 1;   // AES key, 128/192/256 bits
export const KIND_RSA: u8 = 2;   // RSA private key (layout owned by rsa/)
export const KIND_EC: u8 = 3;    // EC private key (layout owned by ec/)
export const KIND_SEAL: u8 = 4;  // 256-bit key-encryption key for seal/; never usable for data
export const KIND_RSA_PUBLIC: u8 = 5; // RSA public key only (verify / encrypt)
export const KIND_EC_PUBLIC: u8 = 6;  // EC public key only (verify)
