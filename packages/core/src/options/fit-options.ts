import type { ColorMode, DecodeSettings, Interpolation } from "../artifact/stats-document.js";
import type { FitFlags } from "../flags.js";
import type { DataFormat } from "../image-layout.js";
import { DEFAULT_ZCA_EPSILON, type Profile } from "../profiles.js";
import type { SkipLimit } from "./skip-limit.js";

/** What to do with an input that cannot be used. */
export type OnError = "skip" | "fail";

/**
 * Everything that defines a fit, as the CLI, the job payloads and an API
 * take it. Defaults are {@link FIT_DEFAULTS} (Keras' ImageDataGenerator's,
 * where Keras has one); the schema is in `@featurewise/core/options`.
 */
export interface FitOptions {
  /** Image source: a folder path or URI. */
  readonly source: string;
  /** Artifact location: a folder path or URI. */
  readonly out: string;
  /** Flags as requested; Keras' coupling is applied on top. @defaultValue all off */
  readonly flags: FitFlags;
  /** @defaultValue "keras" */
  readonly profile: Profile;
  /** Multiplier for raw pixel values; null for none. @defaultValue null */
  readonly rescale: number | null;
  /** @defaultValue 1e-6 */
  readonly zcaEpsilon: number;
  /** @defaultValue "channels_last" */
  readonly dataFormat: DataFormat;
  /** @defaultValue {@link DEFAULT_DECODE} */
  readonly decode: DecodeSettings;
  /** @defaultValue "skip" */
  readonly onError: OnError;
  /** Compute backend name or "auto". @defaultValue "auto" */
  readonly backend: string;
  /** Largest whitening matrix (bytes of one D×D float64 matrix) a ZCA fit may build. @defaultValue 2G (2 GiB) */
  readonly maxZcaBytes: number;
  /** @defaultValue 1024 */
  readonly imagesPerShard: number;
  /**
   * Most images the fit may skip (under `onError: "skip"`) before it fails
   * with TOO_MANY_SKIPPED. Optional for callers written before it existed.
   * @defaultValue 1% of the images read
   */
  readonly maxSkipped?: SkipLimit;
  /**
   * Enter symlinked folders of a local source (never one that loops back);
   * symlinked files are always read. @defaultValue false
   */
  readonly followLinks?: boolean;
}

export const COLOR_MODES: readonly ColorMode[] = ["rgb", "grayscale", "rgba"];
/** Channels of each colour mode, as Keras' `load_img` gives them. */
export const COLOR_MODE_CHANNELS: Readonly<Record<ColorMode, 1 | 3 | 4>> = {
  grayscale: 1,
  rgb: 3,
  rgba: 4,
};
export const INTERPOLATIONS: readonly Interpolation[] = ["nearest", "bilinear", "bicubic"];
export const DATA_FORMATS: readonly DataFormat[] = ["channels_last", "channels_first"];
export const ON_ERROR_POLICIES: readonly OnError[] = ["skip", "fail"];

/** Keras `load_img`'s defaults. */
export const DEFAULT_DECODE: DecodeSettings = Object.freeze({
  colorMode: "rgb",
  targetSize: null,
  interpolation: "nearest",
});

/** Every default of a fit: the one place they are decided. */
export const FIT_DEFAULTS = Object.freeze({
  flags: Object.freeze({
    featurewiseCenter: false,
    featurewiseStdNormalization: false,
    zcaWhitening: false,
  }),
  profile: "keras",
  rescale: null,
  zcaEpsilon: DEFAULT_ZCA_EPSILON,
  dataFormat: "channels_last",
  decode: DEFAULT_DECODE,
  onError: "skip",
  backend: "auto",
  maxZcaBytes: 2 * 1024 ** 3,
  imagesPerShard: 1024,
  maxSkipped: Object.freeze({ fraction: 0.01 }),
  followLinks: false,
} as const satisfies Omit<Required<FitOptions>, "source" | "out">);

/** Shards an embedded fit computes at once (`fit --concurrency`; never changes the result). */
export const DEFAULT_SHARD_CONCURRENCY = 2;

/** Array element types `transform` writes. */
export const TRANSFORM_DTYPES = ["float32", "float64"] as const;

/** `transform`'s defaults (its decode settings default to the artifact's, else {@link DEFAULT_DECODE}). */
export const TRANSFORM_DEFAULTS = Object.freeze({
  dtype: "float32",
  dataFormat: FIT_DEFAULTS.dataFormat,
  onError: FIT_DEFAULTS.onError,
  backend: FIT_DEFAULTS.backend,
} as const);
