/** The report's charts: small pure functions from numbers to inline SVG. */
export { barChartSvg, type Bar, type BarChart } from "./bar-chart.js";
export {
  histogramCounts,
  histogramSvg,
  type HistogramChart,
  type HistogramSeries,
} from "./histogram.js";
export { logDecades, spectrumSvg, type SpectrumChart } from "./spectrum.js";
export { cssRgb, swatchesSvg, type Swatch } from "./swatches.js";
export { escapeXml, formatTick } from "./svg.js";
