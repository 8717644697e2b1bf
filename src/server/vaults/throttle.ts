// Simulated throttling (`--throttle service-limits` or `--throttle FILE`), off by default. Key Vault's
// documented per-vault limits, per 10 seconds (MicrosoftDocs, key-vault/general/service-limits.md,
// 07/2025 revision): key transactions are weighted by key type and enforced on their sum; creating a
// secret, importing a key and importing a certificate share one limit; everything else shares another.
// A request over a limit gets 429 in Key Vault's envelope with Retry-After (the JS SDK retries a 429
// only when it carries one). Refused requests do not count (overview-throttling.md).

export interface ThrottleLimits {
  windowSeconds: number;
  /** Key creation per window, software and HSM keys. */
  keyCreate: { software: number; hsm: number };
  /** Every other key transaction per window, by key class ("RSA-2048", "RSA-3072", "RSA-4096", "EC"), software and HSM. */
  keyOther: Record<string, { software: number; hsm: number }>;
  /** Secret create + key import + certificate import, together. */
  create: number;
  /** Every other transaction. */
  other: number;
}

export const SERVICE_LIMITS: ThrottleLimits = {
  windowSeconds: 10,
  keyCreate: { software: 20, hsm: 10 },
  keyOther: {
    "RSA-2048": { software: 4000, hsm: 2000 },
    "RSA-3072": { software: 1000, hsm: 500 },
    "RSA-4096": { software: 500, hsm: 250 },
    EC: { software: 4000, hsm: 2000 },
    oct: { software: 4000, hsm: 2000 },
  },
  create: 300,
  other: 4000,
};

/** What a request is, for the limits. */
export type RequestClass = { bucket: "keys"; create: boolean; keyClass: string; hsm: boolean } | { bucket: "create" } | { bucket: "other" };

/** Reads a custom limits file's parsed content over the service limits; throws naming what is wrong. */
export function parseLimits(raw: unknown, source: string): ThrottleLimits {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error(`${source}: the throttle limits must be a JSON or YAML object`);
  const r = raw as Record<string, unknown>;
  const positive = (v: unknown, what: string): number => {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v))
      throw new Error(`${source}: ${what} must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };
  const pair = (v: unknown, what: string, dflt: { software: number; hsm: number }) => {
    if (v === undefined) return dflt;
    if (typeof v === "number") return { software: positive(v, what), hsm: positive(v, what) };
    const p = v as Record<string, unknown>;
    return { software: positive(p?.software ?? dflt.software, `${what}.software`), hsm: positive(p?.hsm ?? dflt.hsm, `${what}.hsm`) };
  };
  for (const k of Object.keys(r)) {
    if (!["windowSeconds", "keyCreate", "keyOther", "create", "other"].includes(k))
      throw new Error(`${source}: unknown member ${JSON.stringify(k)}`);
  }
  const keyOther: ThrottleLimits["keyOther"] = { ...SERVICE_LIMITS.keyOther };
  if (r.keyOther !== undefined) {
    if (typeof r.keyOther !== "object" || r.keyOther === null) throw new Error(`${source}: keyOther must be an object of key classes`);
    for (const [cls, v] of Object.entries(r.keyOther))
      keyOther[cls] = pair(v, `keyOther.${cls}`, SERVICE_LIMITS.keyOther[cls] ?? SERVICE_LIMITS.keyOther["RSA-2048"]!);
  }
  return {
    windowSeconds: r.windowSeconds === undefined ? SERVICE_LIMITS.windowSeconds : positive(r.windowSeconds, "windowSeconds"),
    keyCreate: pair(r.keyCreate, "keyCreate", SERVICE_LIMITS.keyCreate),
    keyOther,
    create: r.create === undefined ? SERVICE_LIMITS.create : positive(r.create, "create"),
    other: r.other === undefined ? SERVICE_LIMITS.other : positive(r.other, "other"),
  };
}

/** One vault's sliding windows. `take` says whether a request may go, and if not, when to retry. */
export class Throttle {
  readonly #limits: ThrottleLimits;
  readonly #now: () => number;
  /** Per bucket: (time ms, cost as a fraction of the bucket's limit). */
  readonly #spent = new Map<string, { at: number; cost: number }[]>();

  constructor(limits: ThrottleLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  take(c: RequestClass): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.#now();
    const windowMs = this.#limits.windowSeconds * 1000;
    const cost = this.#cost(c);
    const entries = (this.#spent.get(c.bucket) ?? []).filter((e) => e.at > now - windowMs);
    const used = entries.reduce((sum, e) => sum + e.cost, 0);
    // A little slack for floating-point sums of weighted costs.
    if (used + cost > 1 + 1e-9) {
      const oldest = entries[0]?.at ?? now;
      this.#spent.set(c.bucket, entries);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    entries.push({ at: now, cost });
    this.#spent.set(c.bucket, entries);
    return { ok: true };
  }

  #cost(c: RequestClass): number {
    const l = this.#limits;
    if (c.bucket === "create") return 1 / l.create;
    if (c.bucket === "other") return 1 / l.other;
    const pair = c.create ? l.keyCreate : (l.keyOther[c.keyClass] ?? l.keyOther["RSA-2048"]!);
    return 1 / (c.hsm ? pair.hsm : pair.software);
  }
}
