// Key kinds held in slots (key_info reports (kind << 16) | bits).
// ABI: generated into the host by `npm run gen`; `/** hostName: description */`.

/** oct: AES key, 128/192/256 bits */
export const KIND_OCT: u8 = 1;
/** rsa: RSA private key (layout owned by rsa/) */
export const KIND_RSA: u8 = 2;
/** ec: EC private key (layout owned by ec/) */
export const KIND_EC: u8 = 3;
/** seal: 256-bit key-encryption key for seal/; never usable for data */
export const KIND_SEAL: u8 = 4;
/** rsaPublic: RSA public key only (verify / encrypt) */
export const KIND_RSA_PUBLIC: u8 = 5;
/** ecPublic: EC public key only (verify) */
export const KIND_EC_PUBLIC: u8 = 6;
