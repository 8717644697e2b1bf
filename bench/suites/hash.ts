// Not part of DESIGN.md's op list; kept small as a smoke test of the harness until AES lands.
import { createHash } from "node:crypto";
import type { Suite } from "../harness.js";
import { Hsm } from "../../src/engine/index.js";

export const hashSuite: Suite = async ({ add }) => {
  const hsm = await Hsm.create();
  const data = new Uint8Array(1024);
  add({ op: "sha256.digest.1KiB", impl: "wasm-hsm", fn: () => hsm.digest("SHA-256", data) });
  add({ op: "sha256.digest.1KiB", impl: "node:crypto", fn: () => createHash("sha256").update(data).digest() });
};
