// The audit log file (`--audit-log FILE`): one JSON line per request, appended synchronously so that a
// line is on disk before its response goes out. The file is private to the user (0600).
import { appendFileSync, chmodSync, closeSync, openSync } from "node:fs";
import type { AuditEvent, AuditSink } from "./event.js";

export class AuditFile implements AuditSink {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    // Create it 0600, and make an existing file 0600 too: it names callers and objects.
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  }

  write(event: AuditEvent): void {
    appendFileSync(this.path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
  }
}
