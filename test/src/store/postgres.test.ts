// The PostgreSQL store (src/store/postgres.ts) against a real server: the ObjectStore contract, and the
// cross-process lock. The server comes from WASM_HSM_TEST_PG (a connection string; .ci/run starts one
// with scripts/pg-test-server.sh). Without it the suite is skipped loudly, except in CI, where it fails.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../../../src/store/postgres.js";
import { contract } from "../../helpers/store-contract.js";

const PG_URL = process.env.WASM_HSM_TEST_PG;
if (!PG_URL) {
  if (process.env.CI) throw new Error("WASM_HSM_TEST_PG is not set: CI must start PostgreSQL (scripts/pg-test-server.sh)");
  console.warn(
    "\n*** WASM_HSM_TEST_PG is not set: the PostgreSQL store tests are SKIPPED (scripts/pg-test-server.sh starts a server). ***\n",
  );
}

/** A fresh database per test file, so that runs never see each other's rows. */
async function freshDatabase(url: string): Promise<string> {
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

describe.skipIf(!PG_URL)("PostgresStore", () => {
  let url: string;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    url = await freshDatabase(PG_URL!);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
  });
  const open = async () => {
    const s = await PostgresStore.open(url);
    stores.push(s);
    return s;
  };

  it("keeps the ObjectStore contract", async () => {
    await contract(await open());
  });

  it("two stores on one database see each other's writes; exclusive serialises one name across them", async () => {
    const a = await open();
    const b = await open();
    const order: string[] = [];
    const slow = a.exclusive("key", "Shared", async () => {
      order.push("a in");
      await new Promise((r) => setTimeout(r, 150));
      order.push("a out");
    });
    await new Promise((r) => setTimeout(r, 30));
    const other = b.exclusive("key", "other", async () => {
      order.push("b other");
    });
    const same = b.exclusive("key", "SHARED", async () => {
      order.push("b in");
    });
    await Promise.all([slow, other, same]);
    expect(order).toEqual(["a in", "b other", "a out", "b in"]);
  });

  it("a bad connection string fails with a message that names it without the password", async () => {
    await expect(PostgresStore.open("postgres://user:secret@127.0.0.1:1/db")).rejects.toThrow(
      /cannot open the PostgreSQL store at postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/db/,
    );
  });
});
