// The only export surface of the core. Each family keeps its exports in api/.
// Conventions (see DESIGN.md "The core"):
//  - exports take and return integers; bytes go through the IN / OUT buffers;
//  - a result >= 0 is a value, a result < 0 is a status from status.ts;
//  - no export ever writes private key material to OUT in clear.
export * from "./api/common";
export * from "./api/aes";
export * from "./api/seal";
export * from "./api/ec";
export * from "./api/rsa";
export * from "./api/byok";
export * from "./api/release";
export * from "./api/backup-stream";
