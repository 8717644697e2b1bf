// Mode identifiers of the aes_* exports.
// ABI: generated into the host by `npm run gen`; `/** hostName: description */`.

/** KW: RFC 3394 key wrap */
export const AES_MODE_KW: i32 = 1;
/** KWP: RFC 5649 key wrap with padding */
export const AES_MODE_KWP: i32 = 2;
/** GCM: SP 800-38D, 96-bit IV made by the core, 128-bit tag */
export const AES_MODE_GCM: i32 = 3;
/** CBC: SP 800-38A CBC, no padding */
export const AES_MODE_CBC: i32 = 4;
/** CBC_PKCS7: CBC with PKCS#7 padding (Key Vault's A*CBCPAD) */
export const AES_MODE_CBC_PKCS7: i32 = 5;
