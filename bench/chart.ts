// bench/results/latest.svg: the ratios of the table as horizontal bars on a log scale, one group
// per op, readable on its own: wasm-hsm ÷ node:crypto, wasm-hsm ÷ the fastest pure-JS library,
// for the server ops the server's rate ÷ the engine's rate, and for the scaling ops the rate with
// two workers ÷ the rate with one. Plain SVG written from the data.
import type { Row } from "./table.js";
import type { Result } from "./harness.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const SERIES = [
  { key: "vsNode", label: "wasm-hsm ÷ node:crypto (OpenSSL)", color: "#2b6cb0" },
  { key: "vsPureJs", label: "wasm-hsm ÷ fastest pure JS (node-forge / @noble/curves)", color: "#dd6b20" },
  { key: "engine", label: "server requests/s ÷ engine ops/s (same op)", color: "#2f855a" },
  { key: "scaling", label: "2 workers ÷ 1 worker", color: "#805ad5" },
] as const;

interface Bar {
  series: number;
  value: number;
}

export function chartSvg(rows: Row[], server: Result[], meta: { date: string; cpu: string; node: string; quick: boolean }): string {
  const groups: { label: string; bars: Bar[] }[] = [];
  for (const r of rows) {
    const bars: Bar[] = [];
    if (r.vsNode !== undefined) bars.push({ series: 0, value: r.vsNode });
    if (r.vsPureJs !== undefined) bars.push({ series: 1, value: r.vsPureJs });
    if (bars.length) groups.push({ label: r.op, bars });
  }
  for (const s of server) if (s.engineRatio !== undefined) groups.push({ label: s.op, bars: [{ series: 2, value: s.engineRatio }] });
  for (const s of server) {
    const one = s.op.endsWith("@2w") ? server.find((r) => r.op === s.op.replace(/@2w$/, "@1w")) : undefined;
    if (one) groups.push({ label: s.op.replace(/@2w$/, "@2w ÷ @1w"), bars: [{ series: 3, value: s.opsPerSec / one.opsPerSec }] });
  }

  const left = 250;
  const plotW = 620;
  const barH = 8;
  const gap = 7;
  const top = 108;
  const lo = -2; // log10 of 0.01×
  const hi = 2.5; // log10 of ~316×
  const x = (v: number) => left + ((Math.min(hi, Math.max(lo, Math.log10(v))) - lo) / (hi - lo)) * plotW;
  const heights = groups.map((g) => g.bars.length * barH + gap);
  const height = top + heights.reduce((a, b) => a + b, 0) + 40;
  const width = Math.max(left + plotW + 90, 1000);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(
    `<text x="12" y="22" font-size="15" font-weight="bold">wasm-hsm speed, as ratios (log scale; right of 1× is faster than the peer)</text>`,
  );
  out.push(
    `<text x="12" y="40" fill="#444">${esc(`${meta.date.slice(0, 10)} · ${meta.cpu} · Node ${meta.node}${meta.quick ? " · --quick run" : ""} · one run, peers measured side by side`)}</text>`,
  );
  // The legend: two entries per line.
  SERIES.forEach((s, i) => {
    const lx = 12 + (i % 2) * 420;
    const ly = 52 + Math.floor(i / 2) * 16;
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly + 9}">${esc(s.label)}</text>`);
  });
  // Grid and axis labels.
  const ticks = [0.01, 0.03, 0.1, 0.25, 0.5, 1, 2, 4, 10, 30, 100, 300];
  const bottom = height - 30;
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${top - 8}" x2="${tx}" y2="${bottom}" stroke="${t === 1 ? "#000" : "#ddd"}" stroke-width="${t === 1 ? 1.2 : 1}"/>`,
    );
    out.push(`<text x="${tx}" y="${top - 12}" text-anchor="middle" fill="#555">${t}×</text>`);
    out.push(`<text x="${tx}" y="${bottom + 14}" text-anchor="middle" fill="#555">${t}×</text>`);
  }
  let y = top;
  groups.forEach((g, gi) => {
    if (gi % 2 === 0) out.push(`<rect x="0" y="${y - 2}" width="${width}" height="${heights[gi]! - 3}" fill="#f7f7f7"/>`);
    out.push(`<text x="${left - 8}" y="${y + (g.bars.length * barH) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    for (const b of g.bars) {
      const s = SERIES[b.series]!;
      const x0 = x(1);
      const x1 = x(b.value);
      const bx = Math.min(x0, x1);
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${barH - 1}" fill="${s.color}"/>`,
      );
      const label = b.value >= 10 ? b.value.toFixed(0) : b.value.toFixed(2);
      const tx = b.value >= 1 ? x1 + 3 : x1 - 3;
      const anchor = b.value >= 1 ? "start" : "end";
      out.push(`<text x="${tx.toFixed(1)}" y="${y + barH - 1}" font-size="9" fill="#333" text-anchor="${anchor}">${label}×</text>`);
      y += barH;
    }
    y += gap;
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
