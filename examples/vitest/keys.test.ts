import { createHash } from "node:crypto";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { expect, inject, test } from "vitest";
import { clientConfig } from "wasm-hsm";

const { url, credential, clientOptions } = clientConfig(inject("vault"));

test("signs with a key made in the emulator", async () => {
  const keys = new KeyClient(url, credential, clientOptions);
  const key = await keys.createEcKey("vitest-key", { curve: "P-256" });
  const crypto = new CryptographyClient(key, credential, clientOptions);
  const digest = createHash("sha256").update("hello, vault").digest();
  const { result: signature } = await crypto.sign("ES256", digest);
  expect((await crypto.verify("ES256", digest, signature)).result).toBe(true);
});
