/** Histograms of values per channel: the counting, and the chart as inline SVG. */
import { axes, axisLabel, escapeXml, formatTick, plotArea, px, svgDocument } from "./svg.js";

/**
 * Counts `values` into `bins` equal bins over [lo, hi]; values outside the
 * range go to the end bins, NaN is not counted.
 * @returns the counts (length `bins`)
 */
export function histogramCounts(
  values: ArrayLike<number>,
  range: readonly [number, number],
  bins: number,
): Float64Array {
  const [lo, hi] = range;
  if (!(bins >= 1) || !(hi > lo)) {
    throw new RangeError(
      `histogram of ${bins} bins over [${lo}, ${hi}]: expected bins ≥ 1 and hi > lo`,
    );
  }
  const counts = new Float64Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const b = Math.floor((v - lo) * scale);
    counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]! += 1;
  }
  return counts;
}

/** One channel's counts in a histogram chart. */
export interface HistogramSeries {
  readonly label: string;
  /** CSS colour of its line. */
  readonly colour: string;
  readonly counts: ArrayLike<number>;
}

/** What {@link histogramSvg} draws. */
export interface HistogramChart {
  readonly title: string;
  /** The value range the bins cover (all series share the bins). */
  readonly range: readonly [number, number];
  readonly series: readonly HistogramSeries[];
  /** @defaultValue "pixel value" */
  readonly xLabel?: string;
  /** @defaultValue 420 */
  readonly width?: number;
  /** @defaultValue 220 */
  readonly height?: number;
}

/**
 * A histogram per series as step lines over shared bins, each normalized to
 * its share of values (so channels compare), with a legend.
 */
export function histogramSvg(chart: HistogramChart): string {
  const width = chart.width ?? 420;
  const height = chart.height ?? 220;
  const area = plotArea(width, height, 48);
  const [lo, hi] = chart.range;
  const shares = chart.series.map((s) => {
    const counts = Array.from(s.counts);
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total > 0 ? c / total : 0));
  });
  const top = Math.max(1e-12, ...shares.flat());
  const x = (i: number, bins: number) => area.left + (i / bins) * area.width;
  const y = (share: number) => area.top + area.height * (1 - share / top);
  const lines = chart.series.map((s, k) => {
    const share = shares[k]!;
    const bins = share.length;
    let d = `M${px(x(0, bins))} ${px(y(0))}`;
    share.forEach((v, i) => (d += `V${px(y(v))}H${px(x(i + 1, bins))}`));
    d += `V${px(y(0))}`;
    return `<path class="series" d="${d}" fill="none" stroke="${escapeXml(s.colour)}" stroke-width="1.5"/>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = area.left + f * area.width;
    return (
      `<line x1="${px(tx)}" y1="${px(area.top + area.height)}" x2="${px(tx)}" y2="${px(area.top + area.height + 4)}" stroke="#333"/>` +
      `<text x="${px(tx)}" y="${px(area.top + area.height + 16)}" text-anchor="middle">${formatTick(lo + f * (hi - lo))}</text>`
    );
  });
  // One line above the plot, right-aligned, so it never covers the lines.
  const legend = chart.series.map((s, k) => {
    const x = width - 16 - (chart.series.length - k) * 36;
    return (
      `<g class="legend"><rect x="${x}" y="${area.top - 12}" width="10" height="10" fill="${escapeXml(s.colour)}"/>` +
      `<text x="${x + 13}" y="${area.top - 3}">${escapeXml(s.label)}</text></g>`
    );
  });
  return svgDocument(
    width,
    height,
    chart.title,
    axes(area) +
      ticks.join("") +
      lines.join("") +
      legend.join("") +
      axisLabel(area, "x", chart.xLabel ?? "pixel value") +
      axisLabel(area, "y", "share"),
  );
}
