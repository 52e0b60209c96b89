/**
 * Reports with pictures: one self-contained HTML document for a fit's
 * artifact or a prediction run, made by one code path for the CLI
 * (`featurewise report`) and the web console.
 */
export { renderReport } from "./render-report.js";
export { REPORT_DEFAULTS, type ReportOptions } from "./report-options.js";
export * from "./charts/index.js";
export {
  robustScale,
  tileGrid,
  valuesToPicture,
  type GridOptions,
  type Picture,
} from "./images/pixel-grid.js";
export { whiteningSpectrum, type WhiteningSpectrum } from "./fit/whitening-spectrum.js";
