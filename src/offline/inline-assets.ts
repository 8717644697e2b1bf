// What the single-file browser bundle (dist/browser/wasm-hsm.inline.js) carries inside itself:
// scripts/build-browser.mjs replaces this module with the core (base64url) and the worker's bundle
// (text). Here, in the sources and in the URL bundle, both are absent: the core and the worker are
// loaded from beside the bundle (hsm.wasm, wasm-hsm.worker.js).
export const inlineWasm: string | undefined = undefined;
export const inlineWorker: string | undefined = undefined;
