// The server's worker pool: worker_threads running host.ts over the main thread's store.
import { availableParallelism } from "node:os";
import { DomainFile } from "../../store/domain-file.js";
import type { ObjectStore } from "../../store/types.js";
import { spawnNodeWorker } from "./node-spawn.js";
import { Hsm } from "../../engine/index.js";
import { VaultAttestation } from "../../vault/attestation.js";
import { WorkerPool } from "./pool.js";
import type { VaultWorkerConfig } from "./protocol.js";

/** `--workers` when none is given: one worker per core. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

export interface ServerPoolOptions {
  workers?: number;
  securityDomainFile?: string;
  domainSecret?: string;
  maxBodyBytes?: number;
  deleteDelayMs?: number;
  attestationJwks?: VaultWorkerConfig["attestationJwks"];
}

/** serve()'s pool; `checked` holds the vault URL and challenge resource that serve() validated. */
export async function startServerPool(
  store: ObjectStore,
  options: ServerPoolOptions,
  checked: { vaultUrl: string | undefined; authResource: string | undefined },
): Promise<WorkerPool> {
  const attestationEngine = await Hsm.create();
  const size = options.workers ?? defaultWorkerCount();
  return WorkerPool.start({
    size,
    // With several workers, the owner serves the attestation service, so that one signer is trusted by all.
    ...(size > 1 ? { attestation: new VaultAttestation(attestationEngine, options.attestationJwks, Date.now) } : {}),
    spawn: spawnNodeWorker,
    store,
    ...(options.securityDomainFile !== undefined ? { sharedDomain: new DomainFile(options.securityDomainFile) } : {}),
    config: {
      router: {
        scheme: "https",
        ...(checked.vaultUrl !== undefined ? { vaultUrl: checked.vaultUrl } : {}),
        ...(checked.authResource !== undefined ? { authResource: checked.authResource } : {}),
        ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      },
      ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
      ...(options.deleteDelayMs !== undefined ? { deleteDelayMs: options.deleteDelayMs } : {}),
      ...(options.attestationJwks !== undefined ? { attestationJwks: options.attestationJwks } : {}),
    },
  });
}
