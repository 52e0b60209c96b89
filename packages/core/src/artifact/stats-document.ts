import type { FitFlags } from "../flags.js";
import type { DataFormat } from "../image-layout.js";
import type { Profile } from "../profiles.js";

/** Keras `load_img` color modes. */
export type ColorMode = "rgb" | "grayscale" | "rgba";
/** Keras `load_img` interpolations (PIL filters). */
export type Interpolation = "nearest" | "bilinear" | "bicubic";

/** How images are decoded before any statistic (Keras `load_img` arguments). */
export interface DecodeSettings {
  /** @defaultValue "rgb" */
  readonly colorMode: ColorMode;
  /** [height, width], or null to keep each image's own size (then all must match). */
  readonly targetSize: readonly [number, number] | null;
  /** @defaultValue "nearest" */
  readonly interpolation: Interpolation;
}

/** An input that was not used, and why. */
export interface SkippedItem {
  readonly key: string;
  readonly reason: string;
}

/**
 * The current `stats.json` schema version. 2 added `checksums`; a version 1
 * document is refused (it has none, so its files cannot be verified).
 */
export const STATS_SCHEMA_VERSION = 2;

/** File names inside a stats artifact. */
export const ARTIFACT_FILES = {
  stats: "stats.json",
  mean: "mean.npy",
  std: "std.npy",
  whitening: "zca_whitening_matrix.npy",
  npz: "stats.npz",
  moments: "moments.fwm",
} as const;

/** The contents of `stats.json` (docs/DESIGN.md §6). Arrays are plain numbers for JSON. */
export interface StatsDocument {
  readonly schema: "featurewise.stats";
  readonly schemaVersion: number;
  readonly featurewiseVersion: string;
  readonly createdAt: string;
  readonly profile: Profile;
  /** Flags as asked for. */
  readonly requestedFlags: FitFlags;
  /** Flags as Keras applies them (after coupling). */
  readonly flags: FitFlags;
  /** Keras' warnings for each flag it overrode. */
  readonly warnings: readonly string[];
  readonly rescale: number | null;
  readonly zcaEpsilon: number;
  readonly dataFormat: DataFormat;
  readonly decode: DecodeSettings;
  /** One image's Keras shape: (H, W, C) or (C, H, W) by data format. */
  readonly imageShape: readonly [number, number, number];
  readonly n: number;
  readonly skipped: { readonly count: number; readonly items: readonly SkippedItem[] };
  readonly channelMean: readonly number[];
  readonly channelStd: readonly number[];
  /** Names of the artifact's files; `whitening` is null without ZCA. */
  readonly files: {
    readonly mean: string;
    readonly std: string;
    readonly whitening: string | null;
    readonly npz: string;
    readonly moments: string;
  };
  /** sha256 (lowercase hex) of each file named in `files`, keyed by file name. */
  readonly checksums: Readonly<Record<string, string>>;
  readonly source: {
    readonly uri: string;
    /** Images listed (used + skipped). */
    readonly listed: number;
    /** sha256 over the listing (keys and sizes or ETags). */
    readonly fingerprint: string;
  };
  readonly backend: { readonly name: string; readonly reason: string };
  readonly timings: {
    readonly seconds: number;
    readonly imagesPerSecond: number;
    readonly finalizeSeconds: number;
  };
}
