// Test-only exports of the EC family: deterministic nonces for the RFC 6979 vectors, and the
// diagnostic arithmetic that the property tests compare with BigInt and @noble/curves.
import { ERR_LENGTH, ERR_PARAM } from "../status";
import { isCurve } from "../ec/ids";
import { setPureRfc6979 } from "../ec/ecdsa";
import { ecTestOp } from "../ec/testops";

/**
 * 1 makes ECDSA nonces plain RFC 6979 (reproducible, to match the RFC's vectors);
 * 0, the default, hedges them with DRBG output (draft-irtf-cfrg-det-sigs-with-noise).
 */
export function ec_set_pure_rfc6979(flag: i32): i32 {
  setPureRfc6979(flag != 0);
  return 0;
}

/**
 * Diagnostic arithmetic on public inputs, for property tests against BigInt (ec/testops.ts).
 * IN holds the operands; the result goes to OUT; returns its length.
 */
export function ec_test_op(curve: i32, op: i32, len: u32): i32 {
  if (!isCurve(curve)) return ERR_PARAM;
  if (len > 1024) return ERR_LENGTH;
  return ecTestOp(curve, op, len);
}
