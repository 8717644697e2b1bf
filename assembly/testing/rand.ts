// Test-only access to the DRBG's pooled draws (drbgDraw), which ECDSA uses for its hedging noise
// and blinding factors, so that a test can check them against a model of SP 800-90A.
import { drbgDraw } from "../rand/drbg";
import { ioOut } from "../io";

/** len bytes from drbgDraw into OUT; returns len or a status. */
export function rand_draw(len: u32): i32 {
  const st = drbgDraw(ioOut(), <usize>len);
  return st < 0 ? st : <i32>len;
}
