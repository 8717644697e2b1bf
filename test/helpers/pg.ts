// The PostgreSQL server the tests use: WASM_HSM_TEST_PG (a connection string; .ci/run starts one with
// scripts/pg-test-server.sh). Without it a suite that needs it is skipped loudly, except in CI, where
// it fails. Each suite works in a fresh database of its own, so that runs never see each other's rows.
import { randomBytes } from "node:crypto";

/** The server's URL, or undefined (after a loud warning) outside CI when none is given. */
export function testPostgresUrl(what: string): string | undefined {
  const url = process.env.WASM_HSM_TEST_PG;
  if (!url) {
    if (process.env.CI) throw new Error("WASM_HSM_TEST_PG is not set: CI must start PostgreSQL (scripts/pg-test-server.sh)");
    console.warn(`\n*** WASM_HSM_TEST_PG is not set: ${what} are SKIPPED (scripts/pg-test-server.sh starts a server). ***\n`);
  }
  return url;
}

/** Creates a new database on the server and returns its connection string. */
export async function freshDatabase(url: string): Promise<string> {
  const { default: pg } = await import("pg");
  const name = `whsm_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url.replace(/^postgres:/, "http:"));
  u.pathname = `/${name}`;
  return u.toString().replace(/^http:/, "postgres:");
}
