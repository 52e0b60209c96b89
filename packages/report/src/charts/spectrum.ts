/** The eigenvalue spectrum of a whitening, on a log scale, with the epsilon's level marked. */
import { axes, axisLabel, escapeXml, plotArea, px, svgDocument } from "./svg.js";

/** What {@link spectrumSvg} draws. */
export interface SpectrumChart {
  readonly title: string;
  /** Eigenvalues, largest first; values ≤ 0 (or not finite) are left out of the line. */
  readonly values: ArrayLike<number>;
  /** The level where the epsilon starts to dominate, drawn as a dashed line; null for none. */
  readonly epsilonLevel: number | null;
  /** @defaultValue "ε" */
  readonly epsilonLabel?: string;
  /** @defaultValue 560 */
  readonly width?: number;
  /** @defaultValue 260 */
  readonly height?: number;
}

/** The decades a log axis spans to show every value in `values` (>0) and `extra`. */
export function logDecades(values: readonly number[]): [number, number] {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
  if (logs.length === 0) return [0, 1];
  const lo = Math.floor(Math.min(...logs));
  const hi = Math.ceil(Math.max(...logs));
  return [lo, hi > lo ? hi : lo + 1];
}

/**
 * Eigenvalue i (1-based) against its value on a log10 y axis, one tick per
 * decade (thinned to at most 8 labels), and the epsilon level as a dashed red line.
 */
export function spectrumSvg(chart: SpectrumChart): string {
  const width = chart.width ?? 560;
  const height = chart.height ?? 260;
  const area = plotArea(width, height, 60);
  const all = Array.from(chart.values);
  const positive = all.filter((v) => v > 0 && Number.isFinite(v));
  const [lo, hi] = logDecades(
    chart.epsilonLevel !== null ? [...positive, chart.epsilonLevel] : positive,
  );
  const y = (v: number) => area.top + area.height * (1 - (Math.log10(v) - lo) / (hi - lo));
  const count = Math.max(all.length, 2);
  const x = (i: number) => area.left + (i / (count - 1)) * area.width;
  const points: string[] = [];
  all.forEach((v, i) => {
    if (v > 0 && Number.isFinite(v)) points.push(`${px(x(i))},${px(y(v))}`);
  });
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  const ticks: string[] = [];
  for (let d = lo; d <= hi; d += step) {
    const ty = y(10 ** d);
    ticks.push(
      `<line x1="${area.left - 4}" y1="${px(ty)}" x2="${area.left + area.width}" y2="${px(ty)}" stroke="#ddd"/>` +
        `<text x="${area.left - 6}" y="${px(ty + 4)}" text-anchor="end">1e${d}</text>`,
    );
  }
  const xTicks = [1, Math.ceil(count / 2), count].map(
    (i) =>
      `<text x="${px(x(i - 1))}" y="${px(area.top + area.height + 16)}" text-anchor="middle">${i}</text>`,
  );
  let eps = "";
  if (chart.epsilonLevel !== null && chart.epsilonLevel > 0) {
    const ey = y(chart.epsilonLevel);
    const label = escapeXml(chart.epsilonLabel ?? "ε");
    eps =
      `<line class="epsilon" x1="${area.left}" y1="${px(ey)}" x2="${area.left + area.width}" y2="${px(ey)}" stroke="#c00" stroke-dasharray="6 4"/>` +
      `<text x="${area.left + area.width - 4}" y="${px(ey - 4)}" text-anchor="end" fill="#c00">${label}</text>`;
  }
  return svgDocument(
    width,
    height,
    chart.title,
    ticks.join("") +
      axes(area) +
      xTicks.join("") +
      `<polyline class="spectrum" points="${points.join(" ")}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>` +
      eps +
      axisLabel(area, "x", "eigenvalue index (largest first)") +
      axisLabel(area, "y", "eigenvalue (log scale)"),
  );
}
