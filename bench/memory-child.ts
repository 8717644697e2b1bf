// One key type's memory, measured in a process of its own (bench/memory.ts starts it), so that
// nothing but the keys moves the RSS: node --expose-gc --import tsx bench/memory-child.ts TYPE N1 N2 ...
// Prints one JSON line: { type, rows: [{ keys, linearBytes, linearBytesPerKey, rssBytesPerKey }] }.
import { generateKeyPairSync } from "node:crypto";
import { Hsm, type EcCurve, type KeyHandle, type RsaPrivateJwk } from "../src/engine/index.js";

const [type, ...counts] = process.argv.slice(2);
const hsm = await Hsm.create();
let key: KeyHandle;
if (type!.startsWith("rsa")) {
  const jwk = generateKeyPairSync("rsa", { modulusLength: Number(type!.slice(3)) }).privateKey.export({ format: "jwk" });
  key = hsm.importRsa(jwk as RsaPrivateJwk);
} else if (type!.startsWith("aes")) {
  key = hsm.generateOct(Number(type!.slice(3)));
} else {
  const crv = ({ p256: "P-256", p256k: "P-256K", p384: "P-384", p521: "P-521" } as Record<string, EcCurve>)[type!]!;
  key = hsm.generateEc(crv);
}
const kek = hsm.generateSealingKey();
const sealed = hsm.seal(kek, key);
const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};
const linear0 = hsm.memoryBytes();
const rss0 = rss();
const handles: KeyHandle[] = [];
const rows = [];
for (const n of counts.map(Number)) {
  while (handles.length < n) handles.push(hsm.unseal(kek, sealed));
  rows.push({
    keys: n,
    linearBytes: hsm.memoryBytes(),
    linearBytesPerKey: Math.round((hsm.memoryBytes() - linear0) / n),
    rssBytesPerKey: Math.round((rss() - rss0) / n),
  });
}
console.log(JSON.stringify({ type, rows }));
