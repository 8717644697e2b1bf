// src/vault/paging.ts: maxresults 1..25, an opaque $skiptoken, an absolute nextLink, null on the last page.
import { describe, expect, it } from "vitest";
import { checkMaxResults, page } from "../../../src/vault/lifecycle/paging.js";
import { bad, ctx, expectKvErrorSync } from "./fixture.js";

const items = Array.from({ length: 53 }, (_, i) => `item${i}`);

/** Follows nextLinks the way a client does: reads $skiptoken and maxresults back from the URL. */
function collect(all: string[], maxresults: number | undefined, path: string): { pages: string[][]; links: (string | null)[] } {
  const pages: string[][] = [];
  const links: (string | null)[] = [];
  let r = page(all, maxresults === undefined ? {} : { maxresults }, ctx, path);
  for (;;) {
    pages.push(r.value);
    links.push(r.nextLink);
    if (r.nextLink === null) break;
    const url = new URL(r.nextLink);
    r = page(
      all,
      { maxresults: url.searchParams.get("maxresults") as unknown as number, skiptoken: url.searchParams.get("$skiptoken")! },
      ctx,
      path,
    );
  }
  return { pages, links };
}

describe("maxresults", () => {
  it.each([
    [undefined, 25],
    [null, 25],
    [1, 1],
    [25, 25],
    [7, 7],
    ["10", 10],
  ])("%j -> %i", (v, n) => {
    expect(checkMaxResults(v)).toBe(n);
  });

  it.each([0, 26, -1, 1.5, "abc", "", "5x", true, [5], 1e9])("refuses %j", (v) => {
    expectKvErrorSync(() => checkMaxResults(v), bad(`maxresults must be a whole number from 1 to 25; got ${JSON.stringify(v)}.`));
  });
});

describe("page", () => {
  it.each([1, 2, 10, 24, 25, undefined])("with maxresults %j every item comes exactly once, in order", (max) => {
    const { pages, links } = collect(items, max, "/keys");
    const size = max ?? 25;
    expect(pages.flat()).toEqual(items);
    expect(pages.length).toBe(Math.ceil(items.length / size));
    for (const p of pages.slice(0, -1)) expect(p.length).toBe(size);
    expect(links.at(-1)).toBeNull();
    for (const link of links.slice(0, -1)) {
      const url = new URL(link!);
      expect(`${url.protocol}//${url.host}${url.pathname}`).toBe("https://vault.test/keys");
      expect(url.searchParams.get("api-version")).toBe("7.5");
      expect(url.searchParams.get("$skiptoken")).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it("an exact multiple of maxresults ends with nextLink null, not an empty page", () => {
    const { pages } = collect(items.slice(0, 20), 10, "/keys");
    expect(pages.map((p) => p.length)).toEqual([10, 10]);
  });

  it("an empty list is one empty page", () => {
    expect(page([], {}, ctx, "/keys")).toEqual({ value: [], nextLink: null });
  });

  it("a token from another list is refused", () => {
    const first = page(items, { maxresults: 5 }, ctx, "/keys/a/versions");
    const token = new URL(first.nextLink!).searchParams.get("$skiptoken")!;
    expectKvErrorSync(
      () => page(items, { skiptoken: token }, ctx, "/keys/b/versions"),
      bad("The $skiptoken is invalid or belongs to another list."),
    );
    expectKvErrorSync(
      () => page(items, { skiptoken: token }, ctx, "/deletedkeys"),
      bad("The $skiptoken is invalid or belongs to another list."),
    );
  });

  it.each([
    "garbage!",
    "e30",
    Buffer.from('{"s":"/keys","o":-1}').toString("base64url"),
    Buffer.from('{"s":"/keys","o":1.5}').toString("base64url"),
    Buffer.from("null").toString("base64url"),
  ])("token %j is refused", (token) => {
    expectKvErrorSync(() => page(items, { skiptoken: token }, ctx, "/keys"), bad("The $skiptoken is invalid or belongs to another list."));
  });

  it("nextLink of a versions list names that key's versions path", () => {
    const r = page(items, { maxresults: 3 }, ctx, "/keys/my-key/versions");
    expect(r.nextLink!.startsWith("https://vault.test/keys/my-key/versions?")).toBe(true);
  });
});
