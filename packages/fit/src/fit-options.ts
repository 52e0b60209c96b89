import { FIT_DEFAULTS } from "@featurewise/core";

export type { FitOptions, OnError } from "@featurewise/core";

/** @deprecated use FIT_DEFAULTS.maxZcaBytes from `@featurewise/core` */
export const DEFAULT_MAX_ZCA_BYTES = FIT_DEFAULTS.maxZcaBytes;

/** Progress of a running fit, reported often. */
export interface FitProgress {
  readonly phase: "listing" | "fitting" | "finalizing" | "writing";
  /** Images processed (used or skipped). */
  readonly done: number;
  /** Images listed; known once listing ends. */
  readonly total: number | null;
  readonly skipped: number;
  /** Files listed so far, while the listing goes on (`total` is null until it ends). */
  readonly listed?: number;
}
