import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { startEmulator } from "wasm-hsm";

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu.close());

test("signs with a key made in the emulator", async () => {
  const keys = new KeyClient(emu.url, emu.credential, emu.clientOptions);
  const key = await keys.createEcKey("node-test-key", { curve: "P-256" });
  const crypto = new CryptographyClient(key, emu.credential, emu.clientOptions);
  const digest = createHash("sha256").update("hello, vault").digest();
  const { result: signature } = await crypto.sign("ES256", digest);
  assert.equal((await crypto.verify("ES256", digest, signature)).result, true);
});
