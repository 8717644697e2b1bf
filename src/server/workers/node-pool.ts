// The server's worker pool: worker_threads running host.ts over the main thread's store.
import { availableParallelism } from "node:os";
import { DomainFile } from "../../store/domain-file.js";
import type { ObjectStore } from "../../store/types.js";
import { spawnNodeWorker } from "./node-spawn.js";
import { WorkerPool } from "./pool.js";

/** `--workers` when none is given: one worker per core. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

export interface ServerPoolOptions {
  workers?: number;
  securityDomainFile?: string;
  domainSecret?: string;
  maxBodyBytes?: number;
}

/** serve()'s pool; `checked` holds the vault URL and challenge resource that serve() validated. */
export function startServerPool(
  store: ObjectStore,
  options: ServerPoolOptions,
  checked: { vaultUrl: string | undefined; authResource: string | undefined },
): Promise<WorkerPool> {
  return WorkerPool.start({
    size: options.workers ?? defaultWorkerCount(),
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
    },
  });
}
