// Several vaults in one emulator (`--vault NAME`, the management API). Each vault has its own objects,
// security domain, engine, clock and throttle. A request finds its vault by the Host header
// (NAME.localhost, or an alias given as `--vault NAME=HOST`), or by the port it came in on
// (`--vault NAME:PORT`); anything else goes to the default vault, which is what a single-vault
// emulator has always been.
import type { SecurityDomainRecord } from "../../store/types.js";
import type { SeedMode, VaultSeed } from "../../seed/index.js";
import { KeyVaultError } from "../../vault/errors.js";
import type { Router } from "../router.js";
import { ShiftableClock } from "./clock.js";
import type { Throttle } from "./throttle.js";

export const DEFAULT_VAULT = "default";
const VAULT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

/**
 * What the emulator's controls ask of a vault, wherever it runs: in this thread (a Vault), or in a pool
 * of workers (messages to them).
 */
export interface VaultControls {
  readonly securityDomainId: string;
  /** Purges what is due and applies due rotations (after a clock change). */
  sweep(): Promise<void>;
  exportContents(): Promise<Uint8Array>;
  importContents(blob: Uint8Array): Promise<number>;
  sealedDomain(): Promise<SecurityDomainRecord>;
  /** The type and size of a key, for the throttle's cost. */
  keyShape(name: string): Promise<{ kty: string; keySize: number } | undefined>;
  /** Tells the vault its clock now runs this far ahead of real time (ms). */
  setClockOffset(ms: number): Promise<void>;
  /** Creates a seed's objects through the vault's own API (a refusal throws naming `source` and the entry). */
  applySeed(seed: VaultSeed, source: string, mode: SeedMode): Promise<void>;
}

export interface HostedVault {
  name: string;
  /** Host names (lowercase, without port) that select this vault, besides NAME.localhost. */
  aliases: string[];
  /** A port of its own, if it has one. */
  port?: number;
  controls: VaultControls;
  router: Router;
  clock: ShiftableClock;
  throttle?: Throttle;
  close(): Promise<void>;
}

export interface VaultSpec {
  name: string;
  aliases?: string[];
  port?: number;
  /** A sealed security domain to adopt (import of an export from another emulator). */
  securityDomain?: SecurityDomainRecord;
}

/** Serves a vault on a port of its own (serve.ts); an emulator without one (offline) serves no ports. */
export interface PortListener {
  /** Starts listening for this vault; returns the port (a free one when asked for 0). */
  open(dir: VaultDirectory, v: HostedVault, port: number): Promise<number>;
  close(v: HostedVault): Promise<void>;
}

/** Makes a vault: its store, engine, Vault and router (serve.ts and the offline vault each supply one). */
export type VaultFactory = (spec: VaultSpec, clock: ShiftableClock) => Promise<Omit<HostedVault, "name" | "aliases" | "port" | "clock">>;

export const badVaultName = (name: string) =>
  new KeyVaultError(
    400,
    "BadParameter",
    `The vault name ${JSON.stringify(name)} is invalid: it must be 1 to 24 characters of a-z, 0-9 and '-'.`,
  );

/** Host headers whose vault byHost remembers at once. */
const MAX_HOST_ANSWERS = 64;

export class VaultDirectory {
  readonly clock: ShiftableClock;
  /** A named vault answers to NAME.{this} ("localhost" for the server; the offline vault's own host). */
  readonly parentHost: string;
  readonly #factory: VaultFactory;
  readonly #vaults = new Map<string, HostedVault>();
  readonly #ports: PortListener | undefined;
  /**
   * byHost's answers by Host header (every request asks, most with the same one or two headers):
   * forgotten whenever a vault comes or goes, and bounded, since the header is the client's.
   */
  readonly #hostAnswers = new Map<string, HostedVault | undefined>();

  private constructor(factory: VaultFactory, clock: ShiftableClock, parentHost: string, ports: PortListener | undefined) {
    this.#factory = factory;
    this.clock = clock;
    this.parentHost = parentHost.toLowerCase();
    this.#ports = ports;
  }

  /** Opens the default vault and every named one. */
  static async open(
    factory: VaultFactory,
    specs: VaultSpec[] = [],
    clock = new ShiftableClock(),
    parentHost = "localhost",
    ports?: PortListener,
  ): Promise<VaultDirectory> {
    const dir = new VaultDirectory(factory, clock, parentHost, ports);
    try {
      await dir.create({ name: DEFAULT_VAULT });
      for (const spec of specs) await dir.create(spec);
    } catch (err) {
      await dir.close(); // the vaults opened before the failure
      throw err;
    }
    return dir;
  }

  get default(): HostedVault {
    return this.#vaults.get(DEFAULT_VAULT)!;
  }

  get(name: string): HostedVault | undefined {
    return this.#vaults.get(name.toLowerCase());
  }

  list(): HostedVault[] {
    return [...this.#vaults.values()];
  }

  async create(spec: VaultSpec): Promise<HostedVault> {
    const name = spec.name.toLowerCase();
    if (!VAULT_NAME.test(name)) throw badVaultName(spec.name);
    if (this.#vaults.has(name)) throw new KeyVaultError(409, "Conflict", `A vault named ${name} already exists.`);
    const aliases = (spec.aliases ?? []).map((a) => a.toLowerCase());
    for (const alias of aliases) {
      const holder = this.byHost(alias);
      if (holder && holder.name !== DEFAULT_VAULT)
        throw new KeyVaultError(409, "Conflict", `The host ${alias} already selects vault ${holder.name}.`);
    }
    if (spec.port !== undefined) {
      if (!this.#ports) throw new KeyVaultError(400, "BadParameter", "This emulator listens on no port (it is offline): leave out port.");
      if (spec.port !== 0 && this.list().some((v) => v.port === spec.port)) {
        throw new KeyVaultError(409, "Conflict", `Port ${spec.port} already belongs to another vault.`);
      }
    }
    const clock = new ShiftableClock(Date.now, this.clock);
    const made = await this.#factory({ ...spec, name }, clock);
    const hosted: HostedVault = { ...made, name, aliases, clock };
    this.#vaults.set(name, hosted);
    this.#hostAnswers.clear();
    if (spec.port !== undefined && this.#ports) {
      try {
        hosted.port = await this.#ports.open(this, hosted, spec.port);
      } catch (err) {
        this.#vaults.delete(name);
        this.#hostAnswers.clear();
        await hosted.close().catch(() => {});
        throw new KeyVaultError(409, "Conflict", `Vault ${name} cannot listen on port ${spec.port}: ${(err as Error).message}`);
      }
    }
    return hosted;
  }

  async delete(name: string): Promise<void> {
    const v = this.get(name);
    if (!v) throw new KeyVaultError(404, "NotFound", `No vault named ${name}.`);
    if (v.name === DEFAULT_VAULT) throw new KeyVaultError(400, "BadParameter", "The default vault cannot be deleted.");
    this.#vaults.delete(v.name);
    this.#hostAnswers.clear();
    if (v.port !== undefined) await this.#ports?.close(v);
    await v.close();
  }

  /** The host name a named vault answers to besides its aliases: NAME.localhost, or NAME.{parentHost}. */
  ownHost(v: HostedVault): string {
    return `${v.name}.${this.parentHost}`;
  }

  /** The vault a Host header names, if any: NAME.localhost[:port] (NAME.{parentHost}) or an alias. */
  byHost(hostHeader: string | undefined): HostedVault | undefined {
    if (!hostHeader) return undefined;
    if (this.#hostAnswers.has(hostHeader)) return this.#hostAnswers.get(hostHeader);
    const found = this.#findByHost(hostHeader);
    if (this.#hostAnswers.size >= MAX_HOST_ANSWERS) this.#hostAnswers.clear();
    this.#hostAnswers.set(hostHeader, found);
    return found;
  }

  #findByHost(hostHeader: string): HostedVault | undefined {
    const lower = hostHeader.toLowerCase();
    const host = lower.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    for (const v of this.#vaults.values()) if (v.aliases.includes(host)) return v;
    // The parent host may carry a port of its own (an offline vault's https://host:port).
    for (const candidate of [host, lower]) {
      const dot = candidate.indexOf(".");
      if (dot > 0 && candidate.slice(dot + 1) === this.parentHost) {
        const v = this.#vaults.get(candidate.slice(0, dot));
        if (v) return v;
      }
    }
    return undefined;
  }

  byPort(port: number): HostedVault | undefined {
    return this.list().find((v) => v.port === port);
  }

  async close(): Promise<void> {
    for (const v of this.#vaults.values()) {
      if (v.port !== undefined) await this.#ports?.close(v).catch(() => {});
      await v.close().catch(() => {});
    }
    this.#vaults.clear();
    this.#hostAnswers.clear();
  }
}
