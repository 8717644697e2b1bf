// A security-domain file that several vaults share (`--security-domain FILE`), so that a backup made
// by one restores into another. It holds the domain key sealed (SecurityDomainRecord as JSON), never
// in clear. This is the file I/O the vault itself must not do (it runs in browsers too).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { SecurityDomainRecord } from "./records.js";
import type { SharedDomainSource } from "./types.js";

export class DomainFile implements SharedDomainSource {
  readonly description: string;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    this.description = `the security-domain file ${path}`;
  }

  async load(): Promise<SecurityDomainRecord | undefined> {
    if (!existsSync(this.#path)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.#path, "utf8"));
    } catch (err) {
      throw new Error(`${this.description} is not a security-domain file: ${(err as Error).message}`);
    }
    const r = parsed as Partial<SecurityDomainRecord>;
    if (typeof r?.id !== "string" || typeof r.sealed !== "string") {
      throw new Error(`${this.description} is not a security-domain file: it lacks 'id' or 'sealed'`);
    }
    return { id: r.id, sealed: r.sealed };
  }

  /**
   * Writes the domain once: the file is created exclusively, so that two servers that start at the same
   * moment never each make a domain of their own and silently overwrite one another's.
   */
  async save(record: SecurityDomainRecord): Promise<void> {
    try {
      writeFileSync(this.#path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
      const other = await this.load();
      if (other?.id === record.id) return;
      throw new Error(
        `${this.description} was created by another server while this one was starting (domain ${other?.id}); start again to use it`,
      );
    }
  }
}
