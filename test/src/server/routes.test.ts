// matchPath decides from the path's length whether a row's {version?} is taken. Checked against the
// plain backtracking matcher it replaced (kept here as the reference) on paths made from the route
// table's own words, names, versions and empty segments.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CompiledRoute, compile, matchPath, OPERATION_WORDS, type PathMatch, routes } from "../../../src/server/routes.js";

/** The reference: try the version segment taken (one part, maybe empty, never an operation word), then absent. */
function reference(compiled: CompiledRoute, parts: string[]): PathMatch | undefined {
  const segs = compiled.segments;
  const go = (si: number, pi: number, acc: PathMatch): PathMatch | undefined => {
    if (si === segs.length) return pi === parts.length ? acc : undefined;
    const seg = segs[si]!;
    if (seg.kind === "version") {
      if (pi < parts.length && !OPERATION_WORDS.has(parts[pi]!.toLowerCase())) {
        const taken = go(si + 1, pi + 1, { ...acc, version: parts[pi] === "" ? undefined : parts[pi] });
        if (taken) return taken;
      }
      return go(si + 1, pi, acc);
    }
    if (pi >= parts.length) return undefined;
    const part = parts[pi]!;
    if (seg.kind === "name") return part === "" ? undefined : go(si + 1, pi + 1, { ...acc, name: part });
    return part.toLowerCase() === seg.text ? go(si + 1, pi + 1, acc) : undefined;
  };
  return go(0, 0, {});
}

const compiled = routes.map(compile);
const words = [...new Set(routes.flatMap((r) => r.path.split("/").filter((s) => s !== "" && !s.startsWith("{"))))];
const part = fc.oneof(
  fc.constantFrom(...words),
  fc.constantFrom(...words).map((w) => w.toUpperCase()),
  fc.constantFrom("", "k1", "My-Key", "0123456789abcdef0123456789abcdef", "%2F", "\u0130"),
);

describe("matchPath", () => {
  it("matches every path as the backtracking matcher does, for every row", () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        for (const c of compiled) expect(matchPath(c, parts), `${c.route.path} ${parts.join("/")}`).toEqual(reference(c, parts));
      }),
      { numRuns: 3000 },
    );
  });

  it("takes a version, an empty one, or none, and never takes an operation word for one", () => {
    const row = compiled.find((c) => c.route.method === "POST" && c.route.path === "/keys/{name}/{version?}/sign")!;
    expect(matchPath(row, ["keys", "k", "0123456789abcdef0123456789abcdef", "sign"])).toEqual({
      name: "k",
      version: "0123456789abcdef0123456789abcdef",
    });
    expect(matchPath(row, ["keys", "k", "", "sign"])).toEqual({ name: "k", version: undefined });
    expect(matchPath(row, ["keys", "k", "sign"])).toEqual({ name: "k" });
    expect(matchPath(row, ["keys", "k", "verify", "sign"])).toBeUndefined();
  });
});
