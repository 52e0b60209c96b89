import type { DataFormat, DecodeSettings, FitFlags, Profile } from "@featurewise/core";

/** What to do with an input that cannot be used. */
export type OnError = "skip" | "fail";

/** Everything that defines a fit. Defaults match Keras' ImageDataGenerator. */
export interface FitOptions {
  /** Image source: a folder path or URI. */
  readonly source: string;
  /** Artifact location: a folder path or URI. */
  readonly out: string;
  /** Flags as requested; Keras' coupling is applied on top. */
  readonly flags: FitFlags;
  /** @defaultValue "keras" */
  readonly profile: Profile;
  /** Multiplier for raw pixel values; null for none. @defaultValue null */
  readonly rescale: number | null;
  /** @defaultValue 1e-6 */
  readonly zcaEpsilon: number;
  /** @defaultValue "channels_last" */
  readonly dataFormat: DataFormat;
  readonly decode: DecodeSettings;
  /** @defaultValue "skip" */
  readonly onError: OnError;
  /** Compute backend name or "auto". @defaultValue "auto" */
  readonly backend: string;
  /** Largest whitening matrix (bytes of one D×D float64 matrix) a ZCA fit may build. @defaultValue 2 GiB */
  readonly maxZcaBytes: number;
  /** @defaultValue 1024 */
  readonly imagesPerShard: number;
}

export const DEFAULT_MAX_ZCA_BYTES = 2 * 1024 ** 3;

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
