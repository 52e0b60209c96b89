/** Horizontal bars with labels: the classes a prediction run found. */
import { escapeXml, px, svgDocument } from "./svg.js";

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** What {@link barChartSvg} draws. */
export interface BarChart {
  readonly title: string;
  /** Drawn in this order, top to bottom. */
  readonly bars: readonly Bar[];
  /** @defaultValue 560 */
  readonly width?: number;
}

const ROW = 18;

/** One bar a row, its length to scale with the largest value, the label left and the value right. */
export function barChartSvg(chart: BarChart): string {
  const width = chart.width ?? 560;
  const labelWidth = 160;
  const valueWidth = 60;
  const plot = width - labelWidth - valueWidth - 16;
  const height = 36 + ROW * Math.max(1, chart.bars.length);
  const max = Math.max(0, ...chart.bars.map((b) => b.value));
  const rows = chart.bars.map((b, i) => {
    const y = 28 + i * ROW;
    const len = max > 0 ? (b.value / max) * plot : 0;
    const label = b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label;
    return (
      `<g class="bar"><text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escapeXml(label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 2}" width="${px(len)}" height="${ROW - 4}" fill="#1f5fa8"/>` +
      `<text x="${px(labelWidth + len + 4)}" y="${y + 12}">${b.value}</text></g>`
    );
  });
  return svgDocument(width, height, chart.title, rows.join(""));
}
