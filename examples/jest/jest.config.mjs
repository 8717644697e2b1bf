// Run with: NODE_OPTIONS=--experimental-vm-modules npx jest (wasm-hsm is an ES module)
export default {
  globalSetup: "./global-setup.mjs",
  globalTeardown: "./global-teardown.mjs",
};
