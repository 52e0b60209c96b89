/** Small helpers shared by the chart builders: escaping, number labels, the frame of a chart. */

/** Text safe inside SVG/HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** A short label for a number on an axis: 3 significant digits, exponent form outside 1e-3…1e5. */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

/** A coordinate with two decimals at most: keeps the SVG small and its text stable. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The plot area inside a chart of `width`×`height`, leaving room for axes and a title. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The plot area of a chart with the usual margins. */
export function plotArea(width: number, height: number, left = 56): PlotArea {
  return { left, top: 40, width: width - left - 16, height: height - 40 - 36 };
}

/**
 * An `<svg>` element of `width`×`height` with a title, holding `body`;
 * `label` is its accessible name (`role="img"`).
 */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  const t = escapeXml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${t}" font-family="sans-serif" font-size="11">` +
    `<title>${t}</title>` +
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${t}</text>` +
    body +
    `</svg>`
  );
}

/** The two axes' lines of a plot area. */
export function axes(area: PlotArea): string {
  const { left, top, width, height } = area;
  const bottom = top + height;
  return (
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>` +
    `<line x1="${left}" y1="${bottom}" x2="${left + width}" y2="${bottom}" stroke="#333"/>`
  );
}

/** An axis label: `text` below the x axis or rotated beside the y axis. */
export function axisLabel(area: PlotArea, axis: "x" | "y", text: string): string {
  const t = escapeXml(text);
  if (axis === "x") {
    const x = area.left + area.width / 2;
    return `<text x="${px(x)}" y="${px(area.top + area.height + 30)}" text-anchor="middle">${t}</text>`;
  }
  const y = area.top + area.height / 2;
  return `<text x="12" y="${px(y)}" text-anchor="middle" transform="rotate(-90 12 ${px(y)})">${t}</text>`;
}
