// Test-build exports of the timing harness (`npm run ct`, bench/ct/). Test build only
// (assembly/testing/index.ts -> build/hsm.test.wasm); the release core must never export them.
import { ERR_LENGTH } from "../status";
import { IO_CAPACITY, ioIn } from "../io";
import { rsa_decrypt } from "../api/rsa";
import { aes_decrypt } from "../api/aes";

/**
 * The positive control: a DELIBERATELY variable-time comparison, so that the harness can show
 * it detects a leak of this kind. Compares IN[0..len) with IN[len..2 len) byte by byte and stops
 * at the first difference: its running time reveals where the inputs first differ. Returns the
 * number of equal leading bytes (len when equal), or ERR_LENGTH when 2 len does not fit in IN.
 * The release core compares secrets with ctEqual (assembly/mem.ts).
 */
export function ct_control_compare_vartime(len: u32): i32 {
  if (len > IO_CAPACITY / 2) return ERR_LENGTH;
  const a = ioIn();
  const b = a + <usize>len;
  let i: u32 = 0;
  while (i < len && load<u8>(a + <usize>i) == load<u8>(b + <usize>i)) i++;
  return <i32>i;
}

/**
 * A refusal returned as a value rather than a negative status, so that the host does not throw
 * (an exception costs the host microseconds, and would hide what the core itself does): a status
 * s < 0 becomes REFUSED | -s. The branch is on the verdict, which the caller learns anyway.
 */
const REFUSED: i32 = 1 << 30;
function verdict(result: i32): i32 {
  return result >= 0 ? result : REFUSED | -result;
}

/** rsa_decrypt (assembly/api/rsa.ts), its refusal as a value: the core's decryption, timed on its own. */
export function ct_rsa_decrypt_verdict(handle: i32, padding: u32, hash: i32, mgfHash: i32, ctLen: u32, labelLen: u32): i32 {
  return verdict(rsa_decrypt(handle, padding, hash, mgfHash, ctLen, labelLen));
}

/** aes_decrypt (assembly/api/aes.ts), its refusal as a value. */
export function ct_aes_decrypt_verdict(handle: i32, mode: i32, ivLen: u32, aadLen: u32, ctLen: u32, tagLen: u32): i32 {
  return verdict(aes_decrypt(handle, mode, ivLen, aadLen, ctLen, tagLen));
}
