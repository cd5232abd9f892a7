// A hand-written SVG line chart (no dependencies): fan-out seconds against N, log-log, one line per series.
export interface Series {
  name: string;
  color: string;
  points: { n: number; seconds: number }[];
}

const W = 640;
const H = 400;
const M = { left: 70, right: 170, top: 40, bottom: 55 };
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

export function chart(title: string, series: Series[]): string {
  const pts = series
    .flatMap(s => s.points)
    .filter(p => p.seconds > 0 && Number.isFinite(p.seconds));
  const ns = pts.map(p => p.n);
  const ss = pts.map(p => p.seconds);
  const xTicks = decades(Math.min(...ns, 100), Math.max(...ns, 1000));
  const yTicks = decades(Math.min(...ss, 1), Math.max(...ss, 10));
  const [x0, x1] = [Math.log10(xTicks[0]), Math.log10(xTicks.at(-1) ?? 10)];
  const [y0, y1] = [Math.log10(yTicks[0]), Math.log10(yTicks.at(-1) ?? 10)];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (n: number) => M.left + ((Math.log10(n) - x0) / (x1 - x0 || 1)) * pw;
  const y = (s: number) => M.top + ph - ((Math.log10(s) - y0) / (y1 - y0 || 1)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(`<line x1="${x(t)}" y1="${M.top}" x2="${x(t)}" y2="${M.top + ph}" stroke="#ddd"/>`);
    out.push(
      `<text x="${x(t)}" y="${M.top + ph + 18}" text-anchor="middle">${t.toLocaleString("en")}</text>`,
    );
  }
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" y1="${y(t)}" x2="${M.left + pw}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">N namespaces (× 3 ServiceAccounts), log scale</text>`,
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">fan-out seconds, log scale</text>`,
  );
  series.forEach((s, i) => {
    const ok = s.points.filter(p => p.seconds > 0 && Number.isFinite(p.seconds));
    if (ok.length > 1) {
      const d = ok
        .map((p, j) => `${j ? "L" : "M"}${x(p.n).toFixed(1)},${y(p.seconds).toFixed(1)}`)
        .join(" ");
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    }
    for (const p of ok) {
      out.push(
        `<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.seconds).toFixed(1)}" r="3.5" fill="${s.color}">` +
          `<title>${esc(s.name)}: N=${p.n}, ${p.seconds.toFixed(2)} s</title></circle>`,
      );
    }
    const ly = M.top + 10 + i * 20;
    out.push(
      `<line x1="${M.left + pw + 12}" y1="${ly}" x2="${M.left + pw + 36}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${M.left + pw + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
