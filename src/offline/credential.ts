// The offline vault's credential: any well-formed bearer token passes the router's check (the
// emulator verifies no signature), so this one is fixed and never leaves the process.
import type { AccessToken, TokenCredential } from "@azure/core-auth";

export const OFFLINE_TOKEN = "wasm-hsm-offline-token";

export const offlineCredential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: OFFLINE_TOKEN, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  },
};
