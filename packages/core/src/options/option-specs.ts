/**
 * How each fit option is spelled and explained: its command-line flag, a
 * one-line description and its default as people read it. The CLI's help,
 * the JSON Schema's descriptions and docs/cli.md's option table all come
 * from (or are checked against) this table and {@link FIT_DEFAULTS}.
 */
import { PROFILES } from "../profiles.js";
import { formatByteSize } from "./byte-size.js";
import { COLOR_MODES, DATA_FORMATS, FIT_DEFAULTS, INTERPOLATIONS } from "./fit-options.js";
import { formatSkipLimit } from "./skip-limit.js";

/** One option of a fit. */
export interface OptionSpec {
  /** Where it sits in FitOptions, dotted: `decode.colorMode`. */
  readonly path: string;
  /** The command-line flag, with its value's name: `--color-mode <mode>`. */
  readonly flag: string;
  readonly description: string;
  /** The default as help and docs/cli.md show it: `2G`, `1e-6`, `off`, `none`, `required`. */
  readonly defaultText: string;
}

/** A number as help shows it: `1e-6` rather than `0.000001`. */
export function formatOptionNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}

const d = FIT_DEFAULTS;
const off = "off";

/** The options of `fit` (and of a fit's job payload and API request), in help order. */
export const FIT_OPTION_SPECS: readonly OptionSpec[] = [
  {
    path: "out",
    flag: "--out <dir>",
    description: "folder or s3://bucket/prefix to write the stats artifact to",
    defaultText: "required",
  },
  {
    path: "flags.featurewiseCenter",
    flag: "--center",
    description: "featurewise_center: subtract the per-channel mean",
    defaultText: off,
  },
  {
    path: "flags.featurewiseStdNormalization",
    flag: "--std",
    description: "featurewise_std_normalization: divide by the per-channel std (implies --center)",
    defaultText: off,
  },
  {
    path: "flags.zcaWhitening",
    flag: "--zca",
    description: "zca_whitening: fit the ZCA whitening matrix (implies --center, turns --std off)",
    defaultText: off,
  },
  {
    path: "zcaEpsilon",
    flag: "--zca-epsilon <eps>",
    description: "zca_epsilon",
    defaultText: formatOptionNumber(d.zcaEpsilon),
  },
  {
    path: "rescale",
    flag: "--rescale <factor>",
    description: "multiply pixel values first, as a number or a fraction like 1/255",
    defaultText: "none",
  },
  {
    path: "profile",
    flag: "--profile <name>",
    description: `Keras version whose math to use: ${PROFILES.join("|")}`,
    defaultText: d.profile,
  },
  {
    path: "dataFormat",
    flag: "--data-format <format>",
    description: DATA_FORMATS.join("|"),
    defaultText: d.dataFormat,
  },
  {
    path: "decode.colorMode",
    flag: "--color-mode <mode>",
    description: `${COLOR_MODES.join("|")}, as Keras load_img`,
    defaultText: d.decode.colorMode,
  },
  {
    path: "decode.targetSize",
    flag: "--size <HxW>",
    description:
      "resize every image to HEIGHTxWIDTH (Keras target_size); without it the fit's size is the most common one of its first images",
    defaultText: "none",
  },
  {
    path: "decode.interpolation",
    flag: "--interpolation <filter>",
    description: `${INTERPOLATIONS.join("|")}, used with --size`,
    defaultText: d.decode.interpolation,
  },
  {
    path: "onError",
    flag: "--on-error <policy>",
    description: "skip (list unusable files in stats.json) | fail (stop at the first)",
    defaultText: d.onError,
  },
  {
    path: "maxSkipped",
    flag: "--max-skipped <limit>",
    description:
      "fail the fit when it skips more images than this: a count (25) or a fraction (1%, 0.01)",
    defaultText: formatSkipLimit(d.maxSkipped),
  },
  {
    path: "backend",
    flag: "--backend <name>",
    description: "compute backend: cuda|openblas|tfjs|js, or auto (the fastest that loads)",
    defaultText: d.backend,
  },
  {
    path: "maxZcaBytes",
    flag: "--max-zca-bytes <bytes>",
    description: "largest whitening matrix to build (k/M/G/T: powers of 1024)",
    defaultText: formatByteSize(d.maxZcaBytes),
  },
  {
    path: "imagesPerShard",
    flag: "--images-per-shard <n>",
    description: "images per shard of the fit plan",
    defaultText: String(d.imagesPerShard),
  },
  {
    path: "followLinks",
    flag: "--follow-links",
    description: "enter symlinked folders of a local source (symlinked files are always read)",
    defaultText: off,
  },
];

/** The spec of the option at `path`. */
export function fitOptionSpec(path: string): OptionSpec {
  const spec = FIT_OPTION_SPECS.find((s) => s.path === path);
  if (spec === undefined) throw new Error(`no fit option ${path}`);
  return spec;
}
