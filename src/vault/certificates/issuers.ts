// Certificate issuers (/certificates/issuers/{name}): stored and listed, their password sealed by the
// core and never returned (the service never echoes `pwd`). "Self" and "Unknown" are the reserved
// issuer names of a policy, not issuers that can be set. A missing issuer is 404
// CertificateIssuerNotFound "Issuer not found" (recorded traffic).
import { encodeBase64url } from "../../encoding/base64url.js";
import type {
  AdministratorDetails,
  CertificateIssuerItem,
  CertificateIssuerSetParameters,
  CertificateIssuerUpdateParameters,
  IssuerBundle,
  ListOptions,
  ListResult,
  OrganizationDetails,
  RequestContext,
} from "../../model/index.js";
import { nameKey } from "../../store/types.js";
import { engineCall } from "../errormap.js";
import { badParameter, conflict, KeyVaultError, type KindErrors } from "../errors.js";
import type { KindSpec } from "../lifecycle/kind.js";
import { ObjectLifecycle, requireObject, type VaultServices } from "../lifecycle/objects.js";

export interface IssuerState {
  provider: string;
  accountId?: string;
  /** The credentials' password, sealed by the core (seal_data) under this issuer's name. */
  sealedPwd?: string;
  org?: OrganizationDetails;
  attributes: { enabled: boolean; created: number; updated: number };
}

const notFound = () => new KeyVaultError(404, "CertificateIssuerNotFound", "Issuer not found");
const ISSUER_ERRORS: KindErrors = {
  notFound,
  deletedNotFound: notFound,
  conflictDeleted: (name) => conflict(`Issuer ${name} is being deleted.`),
  alreadyExists: (name) => conflict(`Issuer ${name} already exists.`),
};

function optionalString(raw: unknown, where: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") throw badParameter(`${where} must be a string.`);
  return raw;
}

function parseOrg(raw: unknown): OrganizationDetails | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw badParameter("org_details must be a JSON object.");
  const o = raw as Record<string, unknown>;
  const id = optionalString(o.id, "org_details.id");
  let admins: AdministratorDetails[] | undefined;
  if (o.admin_details !== undefined && o.admin_details !== null) {
    if (!Array.isArray(o.admin_details)) throw badParameter("org_details.admin_details must be an array.");
    admins = o.admin_details.map((a: unknown, i: number) => {
      if (typeof a !== "object" || a === null || Array.isArray(a))
        throw badParameter(`org_details.admin_details[${i}] must be a JSON object.`);
      const x = a as Record<string, unknown>;
      const out: AdministratorDetails = {};
      for (const k of ["first_name", "last_name", "email", "phone"] as const) {
        const v = optionalString(x[k], `org_details.admin_details[${i}].${k}`);
        if (v !== undefined) out[k] = v;
      }
      return out;
    });
  }
  return { ...(id !== undefined ? { id } : {}), ...(admins !== undefined ? { admin_details: admins } : {}) };
}

export class CertificateIssuers {
  readonly #s: VaultServices;
  readonly #life: ObjectLifecycle<Record<string, unknown>, IssuerState>;

  constructor(services: VaultServices) {
    this.#s = services;
    const spec: KindSpec<Record<string, unknown>, IssuerState> = {
      kind: "certificate-issuer",
      label: "issuer",
      collection: "certificates/issuers",
      deletedCollection: "certificates/issuers",
      errors: ISSUER_ERRORS,
      checkRestoredVersion: () => {
        throw new Error("issuers have no backups");
      },
    };
    this.#life = new ObjectLifecycle(spec, services);
  }

  #aad(name: string): Uint8Array {
    return new TextEncoder().encode(`wasm-hsm issuer ${nameKey(name)}`);
  }

  #view(name: string, st: IssuerState, ctx: RequestContext): IssuerBundle {
    return {
      id: `${ctx.vaultUrl}/certificates/issuers/${name}`,
      provider: st.provider,
      ...(st.accountId !== undefined ? { credentials: { account_id: st.accountId } } : {}),
      ...(st.org !== undefined ? { org_details: structuredClone(st.org) } : {}),
      attributes: { ...st.attributes },
    };
  }

  /** The issuer named in a policy, if it is set (Self and Unknown are not issuers). */
  async find(name: string): Promise<IssuerState | undefined> {
    return this.#life.exclusive(name, async () => (await this.#life.load(name))?.state);
  }

  #checkReserved(name: string): void {
    if (/^(self|unknown)$/i.test(name))
      throw badParameter(`${name} is a reserved issuer name: a policy names it without an issuer being set.`);
  }

  async set(name: string, body: CertificateIssuerSetParameters, ctx: RequestContext): Promise<IssuerBundle> {
    this.#checkReserved(name);
    const b = requireObject(body);
    if (typeof b.provider !== "string" || b.provider === "") throw badParameter("'provider' is required: the issuer's provider name.");
    return this.#life.exclusive(name, async () => {
      const existing = await this.#life.load(name);
      const st = this.#merge(name, undefined, b, existing?.state?.attributes.created);
      await this.#life.write({ kind: "certificate-issuer", name: existing?.name ?? name, versions: [], state: st });
      return this.#view(existing?.name ?? name, st, ctx);
    });
  }

  async update(name: string, body: CertificateIssuerUpdateParameters, ctx: RequestContext): Promise<IssuerBundle> {
    const b = requireObject(body);
    if (b.provider !== undefined && (typeof b.provider !== "string" || b.provider === ""))
      throw badParameter("'provider' must be a non-empty string.");
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.load(name);
      if (!rec?.state) throw notFound();
      const st = this.#merge(rec.name, rec.state, b, rec.state.attributes.created);
      await this.#life.write({ ...rec, state: st });
      return this.#view(rec.name, st, ctx);
    });
  }

  #merge(name: string, base: IssuerState | undefined, b: CertificateIssuerUpdateParameters, created: number | undefined): IssuerState {
    const now = this.#s.now();
    const creds = b.credentials;
    if (creds !== undefined && creds !== null && (typeof creds !== "object" || Array.isArray(creds))) {
      throw badParameter("credentials must be a JSON object.");
    }
    const accountId = optionalString(creds?.account_id, "credentials.account_id") ?? base?.accountId;
    const pwd = optionalString(creds?.pwd, "credentials.pwd");
    const sealedPwd =
      pwd !== undefined
        ? encodeBase64url(engineCall(() => this.#s.engine.sealData(this.#s.domain.handle, this.#aad(name), new TextEncoder().encode(pwd))))
        : base?.sealedPwd;
    const org = b.org_details !== undefined ? parseOrg(b.org_details) : base?.org;
    const attrs = b.attributes;
    if (attrs !== undefined && attrs !== null && (typeof attrs !== "object" || Array.isArray(attrs)))
      throw badParameter("attributes must be a JSON object.");
    const enabled = attrs?.enabled ?? base?.attributes.enabled ?? true;
    if (typeof enabled !== "boolean") throw badParameter("attributes.enabled must be true or false.");
    return {
      provider: b.provider ?? base!.provider,
      ...(accountId !== undefined ? { accountId } : {}),
      ...(sealedPwd !== undefined ? { sealedPwd } : {}),
      ...(org !== undefined ? { org } : {}),
      attributes: { enabled, created: created ?? now, updated: now },
    };
  }

  async get(name: string, ctx: RequestContext): Promise<IssuerBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.load(name);
      if (!rec?.state) throw notFound();
      return this.#view(rec.name, rec.state, ctx);
    });
  }

  async delete(name: string, ctx: RequestContext): Promise<IssuerBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.load(name);
      if (!rec?.state) throw notFound();
      await this.#life.purge(rec);
      return this.#view(rec.name, rec.state, ctx);
    });
  }

  list(options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateIssuerItem>> {
    return this.#life.list(false, options, ctx, (rec) =>
      rec.state ? { id: `${ctx.vaultUrl}/certificates/issuers/${rec.name}`, provider: rec.state.provider } : undefined,
    );
  }
}
