// Test fixture for the vault: a Vault on a fresh engine, a MemoryStore and a clock the test controls.
// The engine is the real core (Hsm.create()).
import { expect } from "vitest";
import { Hsm } from "../../../src/engine/index.js";
import { DomainFile } from "../../../src/store/domain-file.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { Vault, KeyVaultError, type RequestContext, type VaultOptions } from "../../../src/vault/index.js";
import type { VaultEngine } from "../../../src/vault/engine.js";

export const ctx: RequestContext = { vaultUrl: "https://vault.test", apiVersion: "7.5" };

/** 2025-01-01T00:00:00Z, a fixed start so that dates in assertions are easy to read. */
export const T0 = Date.UTC(2025, 0, 1) / 1000;
export const DAY = 86_400;

export class TestClock {
  ms = T0 * 1000;
  readonly now = (): number => this.ms;
  /** Current time in Unix seconds. */
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  set(unixSeconds: number): void {
    this.ms = unixSeconds * 1000;
  }
}

export type TestEngine = VaultEngine & { keyCount(): number };

export async function newEngine(): Promise<TestEngine> {
  // An assignment, not a cast: typecheck reports any method the vault needs that Hsm lacks.
  const hsm: TestEngine = await Hsm.create();
  return hsm;
}

export interface Fixture {
  vault: Vault;
  engine: TestEngine;
  store: MemoryStore;
  clock: TestClock;
}

/**
 * A memory store that says it is durable, so that the vault keeps its sealed domain in it and a
 * test can reopen the domain (openSecurityDomain) or the vault on the same store.
 */
export class DurableMemoryStore extends MemoryStore {
  override readonly durable = true;
}

export async function openVault(
  options: {
    engine?: TestEngine;
    store?: MemoryStore;
    clock?: TestClock;
    securityDomainFile?: string;
    sharedDomain?: DomainFile;
    /** Further Vault.open options (deleteDelayMs, attestationJwks). */
    vault?: Partial<VaultOptions>;
  } = {},
): Promise<Fixture> {
  const engine = options.engine ?? (await newEngine());
  const store = options.store ?? new DurableMemoryStore();
  const clock = options.clock ?? new TestClock();
  const vault = await Vault.open({
    hsm: engine,
    store,
    clock: clock.now,
    ...(options.securityDomainFile ? { sharedDomain: new DomainFile(options.securityDomainFile) } : {}),
    ...(options.sharedDomain ? { sharedDomain: options.sharedDomain } : {}),
    ...options.vault,
  });
  return { vault, engine, store, clock };
}

export interface ExpectedError {
  status: number;
  code: string;
  /** The exact message, or a pattern for messages that carry a value the test cannot know. */
  message: string | RegExp;
  innerCode?: string;
}

function check(e: unknown, want: ExpectedError): void {
  if (!(e instanceof KeyVaultError))
    throw new Error(`expected a KeyVaultError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  expect({ status: e.status, code: e.code }).toEqual({ status: want.status, code: want.code });
  if (typeof want.message === "string") expect(e.message).toBe(want.message);
  else expect(e.message).toMatch(want.message);
  expect(e.innerCode).toBe(want.innerCode);
}

/** Asserts that the promise rejects with exactly this Key Vault error. */
export async function expectKvError(p: Promise<unknown>, want: ExpectedError): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) throw new Error(`expected ${want.status} ${want.code}, but the call succeeded`);
  check(caught, want);
}

export function expectKvErrorSync(fn: () => unknown, want: ExpectedError): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) throw new Error(`expected ${want.status} ${want.code}, but the call succeeded`);
  check(caught, want);
}

export const bad = (message: string | RegExp): ExpectedError => ({ status: 400, code: "BadParameter", message });
export const notFound = (name: string, version?: string): ExpectedError => ({
  status: 404,
  code: "KeyNotFound",
  message: version
    ? `A key with (name/id) ${name}/${version} was not found in this key vault.`
    : `A key with (name/id) ${name} was not found in this key vault.`,
});
export const opForbidden = (op: string): ExpectedError => ({
  status: 403,
  code: "Forbidden",
  message: `Operation ${op} is not permitted on this key.`,
  innerCode: "KeyOperationForbidden",
});
export const deletedConflict = (name: string): ExpectedError => ({
  status: 409,
  code: "Conflict",
  message: `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`,
  innerCode: "ObjectIsDeletedButRecoverable",
});

export const b64u = (b: Uint8Array | Buffer): string => Buffer.from(b).toString("base64url");
export const unb64u = (s: string): Buffer => Buffer.from(s, "base64url");
