// Why an import was refused. Every import that returns ERR_KEY_INVALID first records one of these
// (with an argument: a size, a bound or a curve id), and key_refusal() reports it to the host, which
// shows the message: the core is the authority on what makes a key valid, the host only says so.
// The reason depends on the key's material, which the caller supplied (in clear, or wrapped by
// itself for BYOK); it is chosen after every check has run, so the checks' timing is unchanged.
//
// ABI: generated into the host by `npm run gen`: `/** NAME: message */`. In a message, {bits} is
// the argument as a number and {crv} the Key Vault name of the curve whose id is the argument.

/** NONE: the key material is inconsistent or out of range */
export const REFUSED_NONE: i32 = 0;
/** RSA_N_SIZE: RSA modulus of {bits} bits is not supported; Key Vault accepts 2048, 3072 or 4096 bits */
export const REFUSED_RSA_N_SIZE: i32 = 1;
/** RSA_PUBLIC_N_SIZE: the modulus 'n' has {bits} bits; public keys of 2048 to 4096 bits are accepted */
export const REFUSED_RSA_PUBLIC_N_SIZE: i32 = 2;
/** RSA_N_EVEN: the modulus 'n' is even */
export const REFUSED_RSA_N_EVEN: i32 = 3;
/** RSA_E: 'e' must be an odd public exponent from 3 to 2^32-1 */
export const REFUSED_RSA_E: i32 = 4;
/** RSA_PRIME_SIZE: 'p' and 'q' must each have at least {bits} bits, a third of the modulus */
export const REFUSED_RSA_PRIME_SIZE: i32 = 5;
/** RSA_PRIME_EVEN: 'p' and 'q' must be odd primes */
export const REFUSED_RSA_PRIME_EVEN: i32 = 6;
/** RSA_N_NOT_PQ: 'p' times 'q' does not equal 'n' */
export const REFUSED_RSA_N_NOT_PQ: i32 = 7;
/** RSA_D_RANGE: 'd' is out of range */
export const REFUSED_RSA_D_RANGE: i32 = 8;
/** RSA_D_INVERSE: 'd' is not the inverse of 'e' modulo lcm(p-1, q-1) */
export const REFUSED_RSA_D_INVERSE: i32 = 9;
/** RSA_DP: 'dp' does not equal d mod (p-1) */
export const REFUSED_RSA_DP: i32 = 10;
/** RSA_DQ: 'dq' does not equal d mod (q-1) */
export const REFUSED_RSA_DQ: i32 = 11;
/** RSA_QI: 'qi' is not the inverse of q modulo p */
export const REFUSED_RSA_QI: i32 = 12;
/** RSA_PRIVATE_OP: the key failed the consistency check: a private operation did not verify with 'e' */
export const REFUSED_RSA_PRIVATE_OP: i32 = 13;
/** EC_POINT: the point (x, y) is not on {crv} */
export const REFUSED_EC_POINT: i32 = 14;
/** EC_D_RANGE: 'd' is out of range for {crv} */
export const REFUSED_EC_D_RANGE: i32 = 15;
/** EC_D_MISMATCH: 'd' does not match the public point (x, y) */
export const REFUSED_EC_D_MISMATCH: i32 = 16;
/** EC_WRONG_CURVE: the key is not on {crv} */
export const REFUSED_EC_WRONG_CURVE: i32 = 17;
/** OCT_SIZE: an AES key must have 128, 192 or 256 bits, not {bits} */
export const REFUSED_OCT_SIZE: i32 = 18;
/** PKCS8: the key is not a PKCS#8 PrivateKeyInfo of the expected type */
export const REFUSED_PKCS8: i32 = 19;

import { ERR_KEY_INVALID } from "../status";

let last: i32 = 0;

/** Records why an import is refused; returns ERR_KEY_INVALID. arg < 2^23. */
export function refuse(reason: i32, arg: u32 = 0): i32 {
  last = reason | <i32>(arg << 8);
  return ERR_KEY_INVALID;
}

/** Forgets the last refusal (at the start of every import). */
export function clearRefusal(): void {
  last = 0;
}

/** The last refusal: reason | (arg << 8); 0 if none was recorded. */
export function lastRefusal(): i32 {
  return last;
}
