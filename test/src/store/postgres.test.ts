// The PostgreSQL store (src/store/postgres.ts) against a real server: the ObjectStore contract, and the
// cross-process lock. The server comes from WASM_HSM_TEST_PG (a connection string; .ci/run starts one
// with scripts/pg-test-server.sh). Without it the suite is skipped loudly, except in CI, where it fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, testPostgresUrl } from "../../helpers/pg.js";
import { PostgresStore } from "../../../src/store/postgres.js";
import { contract } from "../../helpers/store-contract.js";

const PG_URL = testPostgresUrl("the PostgreSQL store tests");

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

  it("a named vault's store is a schema of its own in the same database: the contract holds there, apart from the default's rows", async () => {
    const def = await open();
    await def.putDomain({ id: "default-domain", sealed: "ZGVm" });
    await def.put({ kind: "secret", name: "only-default", versions: [] } as never);
    const named = await PostgresStore.open(url, { vault: "team-1" });
    stores.push(named);
    await contract(named); // it starts with no domain and no record, whatever the default vault holds
    const again = await PostgresStore.open(url, { vault: "TEAM-1" });
    stores.push(again);
    expect(await again.getDomain()).toEqual(await named.getDomain());
    expect(await again.get("secret", "only-default")).toBeUndefined();
    expect((await def.getDomain())?.id).toBe("default-domain");
    const other = await PostgresStore.open(url, { vault: "team1" });
    stores.push(other);
    expect(await other.getDomain()).toBeUndefined();
    await expect(PostgresStore.open(url, { vault: "a;drop" })).rejects.toThrow(/invalid vault name/);
  });

  it("a bad connection string fails with a message that names it without the password", async () => {
    await expect(PostgresStore.open("postgres://user:secret@127.0.0.1:1/db")).rejects.toThrow(
      /cannot open the PostgreSQL store at postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/db/,
    );
  });
});
