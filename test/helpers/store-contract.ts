// The ObjectStore contract every store keeps (memory, SQLite, PostgreSQL): domain records, whole-record
// replacement with copies, case-insensitive names, kinds as name spaces, and O(page) lists in
// case-folded name order with live and deleted objects apart.
import { expect } from "vitest";
import type { ObjectStore } from "../../src/store/types.js";
import { storedKey } from "./stored-key.js";

export async function contract(store: ObjectStore) {
  expect(await store.getDomain()).toBeUndefined();
  await store.putDomain({ id: "d1", sealed: "c2VhbGVk" });
  await store.putDomain({ id: "d2", sealed: "c2VhbGVkMg" });
  expect(await store.getDomain()).toEqual({ id: "d2", sealed: "c2VhbGVkMg" });
  expect(await store.get("key", "a")).toBeUndefined();
  const a = storedKey("a", 2);
  await store.put(a);
  await store.put(storedKey("b"));
  expect(await store.get("key", "a")).toEqual(a);
  expect((await store.names("key")).sort()).toEqual(["a", "b"]);
  // Whole-record replacement, and copies: mutating what was read changes nothing stored.
  const read = (await store.get("key", "a"))!;
  read.versions.pop();
  expect((await store.get("key", "a"))!.versions).toHaveLength(2);
  const deleted = { ...storedKey("a", 3), deleted: { recoveryId: "r", deletedDate: 1, scheduledPurgeDate: 2 } };
  await store.put(deleted);
  expect(await store.get("key", "a")).toEqual(deleted);
  await store.remove("key", "a");
  await store.remove("key", "never");
  expect(await store.names("key")).toEqual(["b"]);
  // Names are case-insensitive (Key Vault object identifiers); a record keeps the casing it was written with.
  expect((await store.get("key", "B"))?.name).toBe("b");
  await store.put(storedKey("MiXed"));
  expect((await store.get("key", "mixed"))?.name).toBe("MiXed");
  expect((await store.names("key")).sort()).toEqual(["MiXed", "b"]);
  await store.put(storedKey("MIXED", 2));
  expect((await store.get("key", "mixed"))?.versions).toHaveLength(2);
  expect(await store.names("key")).toHaveLength(2);
  // Kinds are separate name spaces.
  expect(await store.get("secret", "b")).toBeUndefined();
  await store.remove("key", "mixed");

  // Pages: in case-folded name order, live and deleted apart, resuming strictly after a name.
  const names = ["k07", "K03", "k11", "k01", "k05", "K09"];
  for (const [i, name] of names.entries()) {
    const rec = storedKey(name);
    await store.put(i % 2 === 0 ? rec : { ...rec, deleted: { recoveryId: "r", deletedDate: 1, scheduledPurgeDate: 2 } });
  }
  const live = async (after: string | undefined, limit: number) =>
    (await store.list("key", { deleted: false, ...(after !== undefined ? { after } : {}), limit })).map((r) => r.name);
  // Live: k07, k05, k11 (and b); deleted: K03, k01, K09.
  expect(await live(undefined, 10)).toEqual(["b", "k05", "k07", "k11"]);
  expect(await live(undefined, 2)).toEqual(["b", "k05"]);
  expect(await live("k05", 2)).toEqual(["k07", "k11"]);
  expect(await live("k06", 10)).toEqual(["k07", "k11"]);
  expect(await live("k11", 10)).toEqual([]);
  expect((await store.list("key", { deleted: true, limit: 10 })).map((r) => r.name)).toEqual(["k01", "K03", "K09"]);
  expect((await store.list("key", { deleted: true, after: "k01", limit: 1 })).map((r) => r.name)).toEqual(["K03"]);
  expect(await store.list("secret", { deleted: false, limit: 10 })).toEqual([]);
}
