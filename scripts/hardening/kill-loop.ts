// Crash test (issue 15): the real server (`wasm-hsm serve --data-dir`) is killed with SIGKILL at a random
// point of a stream of key creates, rotations, deletes, recoveries and purges and of secret sets, deletes
// and purges, from several concurrent clients. After each kill:
//  - SQLite's PRAGMA integrity_check passes, and every stored row is a whole record;
//  - after a restart, every acknowledged operation is there: each object's state is exactly what the
//    acknowledged operations made; an operation in flight at the kill either happened whole or not at all;
//  - every live key still works (its sealed material opens) and every acknowledged secret value reads back.
//
//   npx tsx scripts/hardening/kill-loop.ts [--iterations 20]     (also run by test/crash/kill-loop.test.ts)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStoredRecord } from "../../src/store/records.js";
import { startCli } from "../../test/helpers/cli-server.js";
import { type KvHttp, kvHttp } from "../../test/helpers/kv-http.js";

type Kind = "key" | "secret";
interface Version {
  id: string;
  /** Secrets only. */
  value?: string;
}
interface State {
  status: "absent" | "live" | "deleted";
  versions: Version[];
}
interface Pending {
  kind: Kind;
  name: string;
  op: string;
  before: State;
  /** What the state is if the operation happened; "?" stands for a version id that was never acknowledged. */
  after: State;
}

export interface KillLoopResult {
  iterations: number;
  acknowledged: number;
  inFlightAtKill: number;
  inFlightThatHappened: number;
  /** Milliseconds from the kill to the restarted server's first line. */
  restartMs: number[];
}

const clone = (s: State): State => ({ status: s.status, versions: s.versions.map((v) => ({ ...v })) });
const idOf = (url: string) => url.split("/").pop()!;

export async function runKillLoop(options: { iterations: number; log?: (line: string) => void }): Promise<KillLoopResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-kill-"));
  const dataDir = join(dir, "data");
  const env = { WASM_HSM_DOMAIN_SECRET: "kill loop test secret" };
  const model = new Map<string, State>();
  const keyNames = Array.from({ length: 24 }, (_, i) => `key${i}`);
  const secretNames = Array.from({ length: 16 }, (_, i) => `sec${i}`);
  for (const n of keyNames) model.set(`key/${n}`, { status: "absent", versions: [] });
  for (const n of secretNames) model.set(`secret/${n}`, { status: "absent", versions: [] });
  const result: KillLoopResult = { iterations: 0, acknowledged: 0, inFlightAtKill: 0, inFlightThatHappened: 0, restartMs: [] };
  let server = await startCli(["--data-dir", dataDir], { env });
  try {
    for (let iteration = 0; iteration < options.iterations; iteration++) {
      const http = kvHttp(server.url, server.cert);
      const pending = new Map<string, Pending>();
      let stop = false;
      const failures: string[] = [];
      const worker = async () => {
        while (!stop) {
          const free = [...model.keys()].filter((k) => !pending.has(k));
          const id = free[Math.floor(Math.random() * free.length)]!;
          const [kind, name] = id.split("/") as [Kind, string];
          const p = plan(kind, name, model.get(id)!);
          pending.set(id, p);
          let answer: Awaited<ReturnType<KvHttp["call"]>>;
          try {
            answer = await send(http, p);
          } catch {
            return; // the server is gone: this operation stays pending (its outcome is unknown)
          }
          if (answer.status >= 300) {
            failures.push(`${p.op} ${kind} ${name}: ${answer.status} ${answer.text}`);
            pending.delete(id);
            continue;
          }
          model.set(id, acknowledged(p, answer.json));
          pending.delete(id);
          result.acknowledged++;
        }
      };
      const workers = Array.from({ length: 6 }, worker);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 700));
      server.child.kill("SIGKILL");
      const killedAt = Date.now();
      stop = true;
      await server.stop();
      await Promise.all(workers);
      http.close();
      if (failures.length > 0) throw new Error(`iteration ${iteration}: refused operations:\n${failures.join("\n")}`);

      await checkFile(join(dataDir, "vault.sqlite"));
      server = await startCli(["--data-dir", dataDir], { env });
      result.restartMs.push(Date.now() - killedAt);
      const after = kvHttp(server.url, server.cert);
      try {
        for (const [id, expected] of model) {
          const [kind, name] = id.split("/") as [Kind, string];
          const actual = await readState(after, kind, name, expected);
          const p = pending.get(id);
          let chosen = expected;
          if (p) {
            result.inFlightAtKill++;
            if (matches(actual, p.after)) {
              result.inFlightThatHappened++;
              chosen = p.after;
            } else if (matches(actual, p.before)) chosen = p.before;
            else {
              throw new Error(
                `iteration ${iteration}: ${kind} ${name} (${p.op} in flight) is ${show(actual)}, neither ${show(p.before)} nor ${show(p.after)}`,
              );
            }
          } else if (!matches(actual, expected)) {
            throw new Error(
              `iteration ${iteration}: ${kind} ${name} is ${show(actual)}; acknowledged operations made it ${show(expected)}`,
            );
          }
          // A deleted object shows only its current version: the model keeps the whole list it knows.
          model.set(
            id,
            actual.status === "live"
              ? {
                  status: "live",
                  versions: actual.versions.map((v, i) => ({
                    id: v.id,
                    ...((v.value ?? chosen.versions[i]?.value) ? { value: v.value ?? chosen.versions[i]?.value } : {}),
                  })),
                }
              : clone(chosen),
          );
          if (kind === "key" && actual.status === "live") await checkKeyWorks(after, name);
        }
      } finally {
        after.close();
      }
      result.iterations++;
      log(`iteration ${iteration + 1}: ${result.acknowledged} acknowledged so far, ${pending.size} in flight at the kill`);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

/** The next operation for an object, from its state. */
function plan(kind: Kind, name: string, before: State): Pending {
  const r = Math.random();
  const after = clone(before);
  let op: string;
  if (before.status === "absent") {
    op = kind === "key" ? "create" : "set";
    after.status = "live";
    after.versions.push({ id: "?", ...(kind === "secret" ? { value: randomBytes(12).toString("base64url") } : {}) });
  } else if (before.status === "live") {
    if (r < 0.35) {
      op = kind === "key" ? "rotate" : "set";
      after.versions.push({ id: "?", ...(kind === "secret" ? { value: randomBytes(12).toString("base64url") } : {}) });
    } else if (r < 0.55 && kind === "key") {
      op = "create";
      after.versions.push({ id: "?" });
    } else {
      op = "delete";
      after.status = "deleted";
    }
  } else if (r < 0.5) {
    op = "purge";
    after.status = "absent";
    after.versions = [];
  } else {
    op = "recover";
    after.status = "live";
  }
  return { kind, name, op, before, after };
}

function send(http: KvHttp, p: Pending): Promise<Awaited<ReturnType<KvHttp["call"]>>> {
  const { kind, name, op } = p;
  const coll = kind === "key" ? "keys" : "secrets";
  const deleted = kind === "key" ? "deletedkeys" : "deletedsecrets";
  switch (op) {
    case "create":
      return http.call(
        "POST",
        `/keys/${name}/create`,
        Number(name.slice(3)) % 2 ? { kty: "EC", crv: "P-256" } : { kty: "oct", key_size: 256 },
      );
    case "rotate":
      return http.call("POST", `/keys/${name}/rotate`);
    case "set":
      return http.call("PUT", `/secrets/${name}`, { value: p.after.versions.at(-1)!.value });
    case "delete":
      return http.call("DELETE", `/${coll}/${name}`);
    case "purge":
      return http.call("DELETE", `/${deleted}/${name}`);
    default:
      return http.call("POST", `/${deleted}/${name}/recover`);
  }
}

/** The state an acknowledged operation made, with the version id from its answer. */
function acknowledged(p: Pending, body: any): State {
  const s = clone(p.after);
  if (p.op === "create" || p.op === "rotate" || p.op === "set") s.versions.at(-1)!.id = idOf(p.kind === "key" ? body.key.kid : body.id);
  return s;
}

function matches(actual: State, expected: State): boolean {
  if (actual.status !== expected.status) return false;
  if (actual.status === "absent") return true;
  // A deleted object shows its current version only.
  const exp = actual.status === "deleted" ? expected.versions.slice(-1) : expected.versions;
  const act = actual.status === "deleted" ? actual.versions.slice(-1) : actual.versions;
  return (
    act.length === exp.length &&
    act.every(
      (v, i) =>
        (exp[i]!.id === "?" || exp[i]!.id === v.id) && (exp[i]!.value === undefined || v.value === undefined || exp[i]!.value === v.value),
    )
  );
}

const show = (s: State) => `${s.status}[${s.versions.map((v) => v.id.slice(0, 6)).join(",")}]`;

/** The object's state as the restarted server reports it. Secret values are read for the versions the model knows. */
async function readState(http: KvHttp, kind: Kind, name: string, expected: State): Promise<State> {
  const coll = kind === "key" ? "keys" : "secrets";
  const live = await http.call("GET", `/${coll}/${name}`);
  if (live.status === 200) {
    const versions: Version[] = [];
    let next: string | null = `/${coll}/${name}/versions?maxresults=25`;
    while (next) {
      const page: Awaited<ReturnType<KvHttp["call"]>> = await http.call("GET", next);
      if (page.status !== 200) throw new Error(`${kind} ${name}: versions answered ${page.status} ${page.text}`);
      for (const item of page.json.value) versions.push({ id: idOf(kind === "key" ? item.kid : item.id) });
      if (page.json.nextLink) {
        const link = new URL(page.json.nextLink);
        link.searchParams.delete("api-version");
        next = `${link.pathname}?${link.searchParams.toString()}`;
      } else next = null;
    }
    if (kind === "secret") {
      // The values of versions the model does not know yet, and of the last three: reading every version of
      // every secret after every restart would grow with the run.
      for (const [i, v] of versions.entries()) {
        if (i < versions.length - 3 && expected.versions.some((e) => e.id === v.id)) continue;
        const got = await http.call("GET", `/secrets/${name}/${v.id}`);
        if (got.status !== 200) throw new Error(`secret ${name}/${v.id}: ${got.status} ${got.text}`);
        v.value = got.json.value;
      }
    }
    return { status: "live", versions };
  }
  if (live.status !== 404) throw new Error(`${kind} ${name}: GET answered ${live.status} ${live.text}`);
  const gone = await http.call("GET", `/${kind === "key" ? "deletedkeys" : "deletedsecrets"}/${name}`);
  if (gone.status === 200) {
    const value = kind === "secret" ? expected.versions.at(-1)?.value : undefined;
    return {
      status: "deleted",
      versions: [{ id: idOf(kind === "key" ? gone.json.key.kid : gone.json.id), ...(value !== undefined ? { value } : {}) }],
    };
  }
  if (gone.status !== 404) throw new Error(`${kind} ${name}: GET deleted answered ${gone.status} ${gone.text}`);
  return { status: "absent", versions: [] };
}

/** The current version of a live key still works: its sealed material opens in the restarted engine. */
async function checkKeyWorks(http: KvHttp, name: string): Promise<void> {
  const ec = Number(name.slice(3)) % 2 === 1;
  const res = ec
    ? await http.call("POST", `/keys/${name}/sign`, { alg: "ES256", value: randomBytes(32).toString("base64url") })
    : await http.call("POST", `/keys/${name}/wrapkey`, { alg: "A256KW", value: randomBytes(32).toString("base64url") });
  if (res.status !== 200) throw new Error(`key ${name} does not work after the restart: ${res.status} ${res.text}`);
}

/** PRAGMA integrity_check on the killed server's file (opening it replays the WAL), and every row a whole record. */
async function checkFile(file: string): Promise<void> {
  const { default: Driver } = await import("better-sqlite3");
  const db = new Driver(file);
  try {
    const check = db.pragma("integrity_check") as { integrity_check: string }[];
    if (check.length !== 1 || check[0]!.integrity_check !== "ok") throw new Error(`integrity_check: ${JSON.stringify(check)}`);
    for (const row of db.prepare("SELECT kind, id, record FROM objects").all() as { kind: Kind; id: string; record: string }[]) {
      parseStoredRecord(row.kind, row.id, row.record);
    }
  } finally {
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({ options: { iterations: { type: "string", default: "20" } } });
  const started = Date.now();
  const r = await runKillLoop({ iterations: Number(values.iterations), log: console.log });
  console.log(
    JSON.stringify({
      ...r,
      restartMs: undefined,
      medianRestartMs: [...r.restartMs].sort((a, b) => a - b)[Math.floor(r.restartMs.length / 2)],
      seconds: (Date.now() - started) / 1000,
    }),
  );
}
