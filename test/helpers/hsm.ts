// Shared test helpers: one Hsm per test file, hex/bytes conversions, Wycheproof loading.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Hsm } from "../../src/engine/index.js";

export async function newHsm(): Promise<Hsm> {
  return Hsm.create();
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export const WYCHEPROOF_DIR = process.env.WYCHEPROOF_DIR ?? join(import.meta.dirname, "../../../shared/vectors/wycheproof");

/**
 * Loads a Wycheproof file. If it is missing: with CI set (as CI sets it), the test FAILS; elsewhere it
 * returns null and says so loudly, and the caller skips.
 */
export function loadWycheproof<T = any>(file: string): T | null {
  const path = join(WYCHEPROOF_DIR, file);
  if (!existsSync(path)) {
    if (process.env.CI) throw new Error(`Wycheproof vectors missing: ${path} not found (CI is set, so this fails); set WYCHEPROOF_DIR`);
    console.warn(`\n*** WYCHEPROOF VECTORS MISSING: ${path} not found; set WYCHEPROOF_DIR. These tests are SKIPPED. ***\n`);
    return null;
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

/** The `code` of the error that fn throws (or the error's text if it has none); undefined if it throws nothing. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return undefined;
}
