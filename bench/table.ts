// The results table: one row per op, a column per implementation, and two ratios of wasm-hsm:
// to node:crypto (OpenSSL, the practical limit) and to the fastest pure-JS peer.
import { PURE_JS, type Impl, type Result } from "./harness.js";

const PEERS: readonly Impl[] = ["node:crypto", "webcrypto", "node-forge", "@noble/curves"];

export interface Row {
  op: string;
  ours?: Result;
  peers: Partial<Record<Impl, Result>>;
  vsNode?: number;
  vsPureJs?: number;
  /** Which pure-JS peer was the fastest. */
  pureJs?: Impl;
}

export function rowsOf(results: Result[]): Row[] {
  const byOp = new Map<string, Row>();
  for (const r of results) {
    const row = byOp.get(r.op) ?? { op: r.op, peers: {} };
    if (r.impl === "wasm-hsm") row.ours = r;
    else row.peers[r.impl] = r;
    byOp.set(r.op, row);
  }
  for (const row of byOp.values()) {
    if (!row.ours) continue;
    const node = row.peers["node:crypto"];
    if (node) row.vsNode = row.ours.opsPerSec / node.opsPerSec;
    for (const impl of PURE_JS) {
      const r = row.peers[impl];
      if (r && (!row.pureJs || r.opsPerSec > row.peers[row.pureJs]!.opsPerSec)) row.pureJs = impl;
    }
    if (row.pureJs) row.vsPureJs = row.ours.opsPerSec / row.peers[row.pureJs]!.opsPerSec;
  }
  return [...byOp.values()];
}

/** 12345.6 -> "12,346"; 12.34 -> "12.3". */
export function rate(x: number | undefined): string {
  if (x === undefined) return "";
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1);
}

const ratio = (x: number | undefined) => (x === undefined ? "" : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);

function cells(row: Row): string[] {
  return [
    row.op,
    rate(row.ours?.opsPerSec),
    row.ours ? row.ours.rme.toFixed(1) : "",
    ...PEERS.map((p) => rate(row.peers[p]?.opsPerSec)),
    ratio(row.vsNode),
    ratio(row.vsPureJs) + (row.pureJs ? ` (${row.pureJs === "node-forge" ? "forge" : "noble"})` : ""),
  ];
}

const HEAD = ["op", "wasm-hsm /s", "±%", "node:crypto", "webcrypto", "node-forge", "@noble/curves", "÷ node:crypto", "÷ best pure JS"];

/** The table for the terminal, aligned with spaces. */
export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

/** The same table in Markdown (for the README). */
export function markdownTable(rows: Row[]): string {
  const lines = [`| ${HEAD.join(" | ")} |`, `|${HEAD.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const row of rows) lines.push(`| ${cells(row).join(" | ")} |`);
  return lines.join("\n");
}
