// Multi-core scaling: the engine in 1 and in 2 workers, ops rsa2048.sign.RS256@1w, @2w and
// p256.sign.ES256@1w, @2w (impl wasm-hsm). HOOK: the engine has no workers yet (they come with
// the offline issue). When it has, measure here: one worker for `seconds`, then two workers
// sharing the same key (sealed and unsealed in each), each op counted across workers, and
// return the four results; run.ts prints and stores whatever this returns.
import type { Result } from "./harness.js";

export async function scalingResults(_seconds: number, log: (line: string) => void): Promise<Result[]> {
  log("scaling rsa2048.sign.RS256@1w/@2w, p256.sign.ES256@1w/@2w: skipped (the engine has no workers yet)");
  return [];
}
