// Makes any socket use fail, and records it: net.connect / createConnection, tls.connect, a Socket's
// connect, a server's listen, and fetch. The offline vault must never reach any of them.
import net from "node:net";
import tls from "node:tls";

export interface NetworkGuard {
  /** What was attempted, in order ("net.connect", "listen", ...). */
  attempts: string[];
  restore(): void;
}

export function forbidNetwork(): NetworkGuard {
  const attempts: string[] = [];
  const restores: (() => void)[] = [];
  const stub = <T extends object>(target: T, key: keyof T & string, label: string) => {
    const original = target[key];
    (target as Record<string, unknown>)[key] = (..._args: unknown[]) => {
      attempts.push(label);
      throw new Error(`network use is forbidden in this test (${label})`);
    };
    restores.push(() => {
      (target as Record<string, unknown>)[key] = original;
    });
  };
  stub(net, "connect", "net.connect");
  stub(net, "createConnection", "net.createConnection");
  stub(tls, "connect", "tls.connect");
  stub(net.Socket.prototype, "connect", "Socket.connect");
  stub(net.Server.prototype, "listen", "Server.listen");
  stub(globalThis, "fetch", "fetch");
  return {
    attempts,
    restore: () => {
      for (const r of restores.reverse()) r();
    },
  };
}
