// Padding (encryption) and scheme (signature) ids of the rsa_* exports.
// ABI: generated into the host by `npm run gen`; `/** hostName: description */`.

/** PKCS1: RSAES-PKCS1-v1_5 (RFC 8017 §7.2) or RSASSA-PKCS1-v1_5 (§8.2) */
export const RSA_PAD_PKCS1: u32 = 1;
/** OAEP_PSS: RSAES-OAEP (RFC 8017 §7.1) or RSASSA-PSS (§8.1), MGF1 */
export const RSA_PAD_OAEP_PSS: u32 = 2;
