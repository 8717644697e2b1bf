// quickstart.mjs: with the emulator running (npm start, or npx wasm-hsm serve):
//   NODE_EXTRA_CA_CERTS=$(npx wasm-hsm cert) node quickstart.mjs
import { createHash } from "node:crypto";
import { KeyClient, CryptographyClient } from "@azure/keyvault-keys";

const vaultUrl = process.env.VAULT_URL ?? "https://127.0.0.1:8443";

// The emulator accepts any well-formed bearer token, so any TokenCredential will do.
const credential = {
  getToken: async () => ({ token: "emulator", expiresOnTimestamp: Date.now() + 3600_000 }),
};
// The challenge names https://vault.azure.net, which is not the emulator's host.
const options = { disableChallengeResourceVerification: true };

const keys = new KeyClient(vaultUrl, credential, options);
const key = await keys.createEcKey(`quickstart-${Date.now()}`, { curve: "P-256" });
console.log("created", key.id);

const crypto = new CryptographyClient(key, credential, options);
const digest = createHash("sha256").update("hello, vault").digest();
const { result: signature } = await crypto.sign("ES256", digest);
const { result: valid } = await crypto.verify("ES256", digest, signature);
console.log("signature verified:", valid);
