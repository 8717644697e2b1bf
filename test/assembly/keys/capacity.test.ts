// Filling every key slot gives CAPACITY, not a trap; freeing one makes room again.
import { describe, expect, it } from "vitest";
import { rawCore } from "../../helpers/raw.js";

describe("slot capacity", () => {
  it("the 65,537th key is refused with ERR_CAPACITY, and the instance goes on", async () => {
    const core = await rawCore();
    const handles: number[] = [];
    let h = 0;
    while ((h = core.exports.aes_generate(128)) > 0) handles.push(h);
    expect(h).toBe(-6); // ERR_CAPACITY
    expect(handles.length).toBe(65536);
    expect(new Set(handles).size).toBe(handles.length);
    expect(core.exports.key_destroy(handles[1234])).toBe(0);
    const again = core.exports.aes_generate(256);
    expect(again).toBeGreaterThan(0);
    expect(again).not.toBe(handles[1234]); // a new generation tag: the old handle stays dead
    expect(core.exports.key_info(handles[1234])).toBe(-2);
  }, 60_000);
});
