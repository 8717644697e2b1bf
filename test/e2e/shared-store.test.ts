// Several emulators, one vault: two `wasm-hsm serve --store postgres://...` processes on one
// PostgreSQL database (issue 18). Concurrent creates and rotations of one name through both lose no
// version; a key made through one is used through the other; kill -9 of one leaves the other serving.
// The server comes from WASM_HSM_TEST_PG (.ci/run starts one); without it the suite is skipped loudly,
// except in CI, where it fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, testPostgresUrl } from "../helpers/pg.js";
import { startCli, type CliServer } from "../helpers/cli-server.js";
import { rawRequest } from "../helpers/https.js";

const PG_URL = testPostgresUrl("the shared-store tests");

describe.skipIf(!PG_URL)("two servers on one PostgreSQL store", () => {
  let a: CliServer;
  let b: CliServer;
  beforeAll(async () => {
    const url = await freshDatabase(PG_URL!);
    // One server serves in its main thread, the other with two vault workers (the default), which take
    // the store's lock through their owner thread.
    const args = ["--store", url, "--vault", "team"];
    [a, b] = await Promise.all([startCli([...args, "--workers", "0"]), startCli([...args, "--workers", "2"])]);
  });
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((s) => s.stop("SIGKILL")));
  });
  const call = (s: CliServer, method: string, path: string, body?: unknown, host?: string) =>
    rawRequest(s.url, s.cert, {
      method,
      path: `${path}?api-version=7.6`,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(host !== undefined ? { headers: { host: `${host}:${new URL(s.url).port}` } } : {}),
    });

  it("a named vault is shared too: a secret set in one server's vault team is read in the other's, and not in the default vault", async () => {
    expect((await call(a, "PUT", "/secrets/team-secret", { value: "for the team" }, "team.localhost")).status).toBe(200);
    const read = await call(b, "GET", "/secrets/team-secret", undefined, "team.localhost");
    expect(read.status, read.text).toBe(200);
    expect(read.json().value).toBe("for the team");
    expect(read.json().id.startsWith(`https://team.localhost:${new URL(b.url).port}/secrets/team-secret/`)).toBe(true);
    expect((await call(b, "GET", "/secrets/team-secret")).status).toBe(404);
  });

  it("concurrent creates and rotations of one name through both servers lose no version", async () => {
    // The key exists before the race: a rotation that came first would rightly get 404. (The calls
    // start as the array is made, so the first create must be awaited before it.)
    const first = await call(a, "POST", "/keys/race/create", { kty: "EC", crv: "P-256" });
    expect(first.status).toBe(200);
    const ops = Array.from({ length: 24 }, (_, i) => {
      const s = i % 2 === 0 ? a : b;
      return i % 4 < 2 ? call(s, "POST", "/keys/race/create", { kty: "EC", crv: "P-256" }) : call(s, "POST", "/keys/race/rotate");
    });
    const answers = await Promise.all(ops);
    expect(answers.map((r) => r.status)).toEqual(Array(24).fill(200));
    const made = new Set([first, ...answers].map((r) => r.json().key.kid.split("/").at(-1)));
    expect(made.size).toBe(25); // one page of versions (25 at most)
    for (const s of [a, b]) {
      const versions = (await call(s, "GET", "/keys/race/versions")).json().value.map((i: { kid: string }) => i.kid.split("/").at(-1));
      expect(new Set(versions)).toEqual(made);
    }
  });

  it("a key made through one server signs through the other; after kill -9 of one, the other keeps serving", async () => {
    const created = await call(a, "POST", "/keys/across/create", { kty: "EC", crv: "P-256" });
    const digest = Buffer.alloc(32, 9).toString("base64url");
    const sig = await call(b, "POST", "/keys/across/sign", { alg: "ES256", value: digest });
    expect(sig.status).toBe(200);
    expect((await call(a, "POST", "/keys/across/verify", { alg: "ES256", digest, value: sig.json().value })).json().value).toBe(true);
    await a.stop("SIGKILL");
    // The same version, named under each server's own host.
    expect((await call(b, "GET", "/keys/across")).json().key.kid.split("/").at(-1)).toBe(created.json().key.kid.split("/").at(-1));
    expect((await call(b, "POST", "/keys/after-kill/create", { kty: "oct", key_size: 128 })).status).toBe(200);
  });
});
