// The worker's record cache: copies in and out, dropped on a write the owner reports, and never
// filled by a read that began before a write it has heard of.
import { describe, expect, it } from "vitest";
import { RecordCache } from "../../../../src/server/workers/record-cache.js";
import type { ObjectRecord } from "../../../../src/store/records.js";

const record = (name: string, tag = "a"): ObjectRecord => ({
  kind: "key",
  name,
  versions: [{ version: "0".repeat(32), attributes: { enabled: true }, tags: { t: tag } } as never],
});

describe("RecordCache", () => {
  it("hands out copies: what a caller changes is neither what it offered nor what the next caller gets", () => {
    const cache = new RecordCache();
    const offered = record("K");
    cache.offer("key", "K", offered, 0);
    offered.name = "changed after the offer";
    const first = cache.get("key", "K")!;
    expect(first.name).toBe("K");
    first.versions.pop();
    expect(cache.get("key", "K")!.versions).toHaveLength(1);
  });

  it("looks names up case-insensitively and kinds apart", () => {
    const cache = new RecordCache();
    cache.offer("key", "MyKey", record("MyKey"), 0);
    expect(cache.get("key", "mykey")?.name).toBe("MyKey");
    expect(cache.get("secret", "MyKey")).toBeUndefined();
  });

  it("drops a record the owner reports written, and only that one", () => {
    const cache = new RecordCache();
    cache.offer("key", "a", record("a"), 0);
    cache.offer("key", "b", record("b"), 0);
    cache.written("key", "A", 1);
    expect(cache.get("key", "a")).toBeUndefined();
    expect(cache.get("key", "b")?.name).toBe("b");
  });

  it("refuses a read that began before a write it heard of (the answer may predate that write), keeps a later one", () => {
    const cache = new RecordCache();
    cache.written("key", "other", 5);
    cache.offer("key", "k", record("k", "old"), 4);
    expect(cache.get("key", "k")).toBeUndefined();
    cache.offer("key", "k", record("k", "new"), 5);
    expect(cache.get("key", "k")?.versions[0]?.tags).toEqual({ t: "new" });
  });

  it("keeps at most its limit, dropping the least recently used", () => {
    const cache = new RecordCache(2);
    cache.offer("key", "a", record("a"), 0);
    cache.offer("key", "b", record("b"), 0);
    cache.get("key", "a");
    cache.offer("key", "c", record("c"), 0);
    expect(cache.size).toBe(2);
    expect(cache.get("key", "b")).toBeUndefined();
    expect(cache.get("key", "a")?.name).toBe("a");
    expect(cache.get("key", "c")?.name).toBe("c");
  });
});
