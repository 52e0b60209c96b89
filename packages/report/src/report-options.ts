/** The report's options and defaults: `@featurewise/report/options`, light enough for the CLI's start. */
import type { Storage } from "@featurewise/storage";

/** How a report is made. Every bound keeps a report of a huge run small and quick. */
export interface ReportOptions {
  /** Opens S3 locations. @defaultValue a Storage of the default configuration, closed afterwards */
  readonly storage?: Storage;
  /** Source images decoded for a fit's sample grid and histograms. @defaultValue 64 */
  readonly sampleSize?: number;
  /** Rows of a prediction's top-k table (each with a thumbnail). @defaultValue 50 */
  readonly maxRows?: number;
  /** The compute backend for the eigen-decomposition and the whitening (`--backend`). @defaultValue "auto" */
  readonly backend?: string;
  /**
   * Largest image size D (H·W·C) whose moments and whitening spectrum are
   * read: a ZCA artifact's moments are 8·D² bytes, its eigen-decomposition O(D³).
   * @defaultValue 4096
   */
  readonly maxDim?: number;
  /** Largest side of a prediction's thumbnails, in pixels. @defaultValue 64 */
  readonly thumbnailSize?: number;
}

/** The options with their defaults filled in (the storage stays optional). */
export type ResolvedReportOptions = Required<Omit<ReportOptions, "storage">>;

export const REPORT_DEFAULTS: ResolvedReportOptions = Object.freeze({
  sampleSize: 64,
  maxRows: 50,
  backend: "auto",
  maxDim: 4096,
  thumbnailSize: 64,
});
