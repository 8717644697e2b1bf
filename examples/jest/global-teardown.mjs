export default async function globalTeardown() {
  await globalThis.wasmHsm.close();
}
