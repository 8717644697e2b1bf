// The X.509 layer: certificates, requests, PKCS#12 and PEM on the host side of the engine. It signs
// nothing and hashes nothing itself (a caller's DigestSigner asks the core), and runs in browsers (no Node built-in).
export * from "./bytes.js";
export * from "./certificate.js";
export * from "./errors.js";
export * from "./extensions.js";
export * from "./keys.js";
export * from "./names.js";
export * from "./pem.js";
export * from "./pkcs8.js";
export * from "./pkcs12.js";
