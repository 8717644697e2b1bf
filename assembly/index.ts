// The only export surface of the core. Each family keeps its exports in api/.
// Conventions (see DESIGN.md "The core"):
//  - exports take and return integers; bytes go through the IN / OUT buffers;
//  - a result >= 0 is a value, a result < 0 is a status from status.ts;
//  - no export ever writes private key material to OUT in clear, except key_export_pkcs8 (api/export.ts):
//    the PKCS#8 of a key made exportable when it was made or imported, for an exportable certificate's
//    secret, as Key Vault releases it; every other key is refused.
export * from "./api/common";
export * from "./api/aes";
export * from "./api/seal";
export * from "./api/ec";
export * from "./api/rsa";
export * from "./api/byok";
export * from "./api/release";
export * from "./api/export";
export * from "./api/backup-stream";
