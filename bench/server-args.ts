// The command line of the server tools (ab-server.ts, profile-server.ts, perf-server.ts):
// OP [OWN OPTIONS...] [-- SERVE ARGS...], the part after "--" passed to `wasm-hsm serve`.
export function serverToolArgs(argv: string[] = process.argv.slice(2)) {
  const dash = argv.indexOf("--");
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const serveArgs = dash >= 0 ? argv.slice(dash + 1) : [];
  /** The value after an option of the tool's own, if given. */
  const opt = (name: string): string | undefined => {
    const i = own.indexOf(name);
    return i >= 0 ? own[i + 1] : undefined;
  };
  return { own, serveArgs, opt, opName: own[0] };
}
