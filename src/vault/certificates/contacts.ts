// The vault's certificate contacts (/certificates/contacts): one list, set, read and deleted whole.
// Stored as one record of its own kind. Errors as recorded: after a delete, GET is 404
// ContactsNotFound "Contacts not found".
import type { Contact, Contacts, RequestContext } from "../../model/index.js";
import type { ObjectRecord } from "../../store/types.js";
import { badParameter, KeyVaultError } from "../errors.js";
import { requireObject, type VaultServices } from "../lifecycle/objects.js";

const NAME = "contacts";
const notFound = () => new KeyVaultError(404, "ContactsNotFound", "Contacts not found");

function parseContacts(body: Contacts): Contact[] {
  const b = requireObject(body);
  if (!Array.isArray(b.contacts)) throw badParameter("'contacts' must be an array of {email, name, phone}.");
  return b.contacts.map((c: unknown, i: number) => {
    if (typeof c !== "object" || c === null || Array.isArray(c)) throw badParameter(`contacts[${i}] must be a JSON object.`);
    const o = c as Record<string, unknown>;
    const out: Contact = {};
    for (const k of ["email", "name", "phone"] as const) {
      if (o[k] === undefined || o[k] === null) continue;
      if (typeof o[k] !== "string") throw badParameter(`contacts[${i}].${k} must be a string.`);
      out[k] = o[k];
    }
    if (out.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(out.email))
      throw badParameter(`contacts[${i}].email is not an email address.`);
    if (out.email === undefined && out.name === undefined && out.phone === undefined) {
      throw badParameter(`contacts[${i}] has none of email, name and phone.`);
    }
    return out;
  });
}

export class CertificateContacts {
  readonly #s: VaultServices;

  constructor(services: VaultServices) {
    this.#s = services;
  }

  #view(contacts: Contact[], ctx: RequestContext): Contacts {
    return { id: `${ctx.vaultUrl}/certificates/contacts`, contacts: contacts.map((c) => ({ ...c })) };
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#s.locks.exclusive("certificate-contacts", NAME, fn);
  }

  async #read(): Promise<Contact[] | undefined> {
    const rec = await this.#s.store.get("certificate-contacts", NAME);
    return (rec?.state as { contacts?: Contact[] } | undefined)?.contacts;
  }

  async set(body: Contacts, ctx: RequestContext): Promise<Contacts> {
    const contacts = parseContacts(body);
    return this.#exclusive(async () => {
      const rec: ObjectRecord = { kind: "certificate-contacts", name: NAME, versions: [], state: { contacts } };
      await this.#s.store.put(rec);
      return this.#view(contacts, ctx);
    });
  }

  async get(ctx: RequestContext): Promise<Contacts> {
    const contacts = await this.#exclusive(() => this.#read());
    if (!contacts) throw notFound();
    return this.#view(contacts, ctx);
  }

  async delete(ctx: RequestContext): Promise<Contacts> {
    return this.#exclusive(async () => {
      const contacts = await this.#read();
      if (!contacts) throw notFound();
      await this.#s.store.remove("certificate-contacts", NAME);
      return this.#view(contacts, ctx);
    });
  }
}
