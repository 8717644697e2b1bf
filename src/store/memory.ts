// The default store: records in a Map, copied on the way in and out so that callers can never
// alias (and so corrupt) what is stored.
import type { KeyStore, SecurityDomainRecord, StoredKey } from "./types.js";

export class MemoryStore implements KeyStore {
  readonly durable: boolean = false;
  #keys = new Map<string, string>();
  #domain?: string;

  async getDomain(): Promise<SecurityDomainRecord | undefined> {
    return this.#domain === undefined ? undefined : JSON.parse(this.#domain);
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    this.#domain = JSON.stringify(record);
  }

  async listNames(): Promise<string[]> {
    return [...this.#keys.keys()];
  }

  async getKey(name: string): Promise<StoredKey | undefined> {
    const json = this.#keys.get(name);
    return json === undefined ? undefined : JSON.parse(json);
  }

  async putKey(key: StoredKey): Promise<void> {
    this.#keys.set(key.name, JSON.stringify(key));
  }

  async removeKey(name: string): Promise<void> {
    this.#keys.delete(name);
  }

  async close(): Promise<void> {}
}
