// The Wycheproof loader: with CI set, a missing vector file fails the run; elsewhere it skips loudly.
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadWycheproof } from "./hsm.js";

describe("loadWycheproof", () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it("fails when CI is set and the file is missing", () => {
    process.env.CI = "true";
    expect(() => loadWycheproof("no_such_file_test.json")).toThrow(/Wycheproof vectors missing: .*no_such_file_test\.json/);
  });

  it("warns and returns null outside CI", () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(loadWycheproof("no_such_file_test.json")).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("WYCHEPROOF VECTORS MISSING"));
  });

  it("loads a file that is there", () => {
    const data = loadWycheproof<{ algorithm: string }>("aes_kwp_test.json");
    if (data === null) return; // the folder itself is missing here (and CI is not set): the warning said so
    expect(data.algorithm).toBe("AES-KWP");
  });
});
