/**
 * A run's options as people give them: the command line's flags under
 * commander's camelCase names (`--zca-epsilon` → `zcaEpsilon`), or the same
 * names in an HTTP API's flat JSON request (`{"std": true, "size":
 * "224x224", "rescale": "1/255"}`). Both front doors read them here into
 * {@link FitOptions} and {@link PredictOptions}, so a value means the same
 * thing, and is refused with the same words, wherever it comes from.
 */
import type { DecodeSettings } from "../artifact/stats-document.js";
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { PROFILES } from "../profiles.js";
import {
  parseBytes,
  parseChoice,
  parseNonNegativeInt,
  parsePositiveInt,
  parsePositiveNumber,
  parseRescale,
  parseSize,
} from "./flag-values.js";
import {
  COLOR_MODES,
  DATA_FORMATS,
  DEFAULT_DECODE,
  FIT_DEFAULTS,
  INTERPOLATIONS,
  ON_ERROR_POLICIES,
  type FitOptions,
} from "./fit-options.js";
import {
  PREDICT_DEFAULTS,
  PREDICT_DEVICES,
  PREDICT_FORMATS,
  PREDICT_INPUT_LAYOUTS,
  PREDICT_RUNTIMES,
  type PredictOptions,
} from "./predict-options.js";
import { parseSkipLimit } from "./skip-limit.js";

/** A flag's value: text as typed, a number where JSON gave one, true/false for a switch. */
export type FlagValue = string | number | boolean;

/** Flags by their camelCase names; unset ones absent or undefined. */
export type OptionFlags = Readonly<Record<string, FlagValue | undefined>>;

/** The camelCase name of a flag, as commander names it: `--zca-epsilon <eps>` → `zcaEpsilon`, `--no-stats` → `stats`. */
export function flagKey(flag: string): string {
  const name = flag.split(" ")[0]!.replace(/^--(no-)?/, "");
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Whether a flag takes a value (`--size <HxW>`) rather than being a switch (`--std`). */
export function takesValue(flag: string): boolean {
  return flag.includes("<");
}

/** Picks the flags named in `flags` (commander's whole options object) that `specs` define. */
export function pickFlags(
  specs: readonly { readonly flag: string }[],
  flags: OptionFlags,
): Record<string, FlagValue> {
  const out: Record<string, FlagValue> = {};
  for (const { flag } of specs) {
    const value = flags[flagKey(flag)];
    if (value !== undefined) out[flagKey(flag)] = value;
  }
  return out;
}

function invalid(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** Reads the flags of one run, each parsed or its default. */
class FlagReader {
  constructor(private readonly flags: OptionFlags) {}

  /** A valued flag's text (a JSON number as its shortest text, which reads back exactly). */
  text(flag: string): string | undefined {
    const value = this.flags[flagKey(flag)];
    if (value === undefined) return undefined;
    if (typeof value === "boolean") throw invalid(`${flag} takes a value, not ${String(value)}`);
    return String(value);
  }

  /** A valued flag, parsed, or `fallback` when unset. */
  value<T>(flag: string, fallback: T, parse: (text: string) => T): T {
    const text = this.text(flag);
    return text === undefined ? fallback : parse(text);
  }

  /** A switch: on only when given as true. */
  on(flag: string): boolean {
    const value = this.flags[flagKey(flag)];
    if (value !== undefined && typeof value !== "boolean")
      throw invalid(`${flag} is a switch: true or false, not ${JSON.stringify(value)}`);
    return value === true;
  }
}

/**
 * The decode flags (`--color-mode`, `--size`, `--interpolation`). With
 * `withDefaults` the unset ones take Keras' defaults (DEFAULT_DECODE);
 * without, they are left out (so an artifact's own settings apply).
 */
export function decodeFromFlags(flags: OptionFlags, withDefaults: true): DecodeSettings;
export function decodeFromFlags(flags: OptionFlags, withDefaults: false): Partial<DecodeSettings>;
export function decodeFromFlags(
  flags: OptionFlags,
  withDefaults: boolean,
): Partial<DecodeSettings> {
  const read = new FlagReader(flags);
  const out: { -readonly [K in keyof DecodeSettings]?: DecodeSettings[K] } = withDefaults
    ? { ...DEFAULT_DECODE }
    : {};
  const colorMode = read.text("--color-mode");
  if (colorMode !== undefined) out.colorMode = parseChoice("--color-mode", colorMode, COLOR_MODES);
  const size = read.text("--size");
  if (size !== undefined) out.targetSize = parseSize(size);
  const interpolation = read.text("--interpolation");
  if (interpolation !== undefined)
    out.interpolation = parseChoice("--interpolation", interpolation, INTERPOLATIONS);
  return out;
}

/** A fit's flags (FIT_OPTION_SPECS) as {@link FitOptions}, each checked. @throws FeaturewiseError INVALID_ARGUMENT */
export function fitOptionsFromFlags(source: string, flags: OptionFlags): FitOptions {
  const d = FIT_DEFAULTS;
  const read = new FlagReader(flags);
  const out = read.text("--out");
  if (out === undefined || out === "") throw invalid("--out <dir> is required");
  return {
    source,
    out,
    flags: {
      featurewiseCenter: read.on("--center"),
      featurewiseStdNormalization: read.on("--std"),
      zcaWhitening: read.on("--zca"),
    },
    profile: read.value("--profile", d.profile, (v) => parseChoice("--profile", v, PROFILES)),
    rescale: read.value("--rescale", d.rescale, parseRescale),
    zcaEpsilon: read.value("--zca-epsilon", d.zcaEpsilon, (v) =>
      parsePositiveNumber("--zca-epsilon", v),
    ),
    dataFormat: read.value("--data-format", d.dataFormat, (v) =>
      parseChoice("--data-format", v, DATA_FORMATS),
    ),
    decode: decodeFromFlags(flags, true),
    onError: read.value("--on-error", d.onError, (v) =>
      parseChoice("--on-error", v, ON_ERROR_POLICIES),
    ),
    maxSkipped: read.value("--max-skipped", d.maxSkipped, (v) =>
      parseSkipLimit("--max-skipped", v),
    ),
    backend: read.value("--backend", d.backend, (v) => v),
    maxZcaBytes: read.value("--max-zca-bytes", d.maxZcaBytes, (v) =>
      parseBytes("--max-zca-bytes", v),
    ),
    imagesPerShard: read.value("--images-per-shard", d.imagesPerShard, (v) =>
      parsePositiveInt("--images-per-shard", v),
    ),
    ...(read.on("--follow-links") ? { followLinks: true } : {}),
  };
}

/**
 * A prediction's flags (PREDICT_OPTION_SPECS) as {@link PredictOptions},
 * each checked. `stats` is the artifact's location, or false for `--no-stats`.
 * @throws FeaturewiseError INVALID_ARGUMENT
 */
export function predictOptionsFromFlags(source: string, flags: OptionFlags): PredictOptions {
  const d = PREDICT_DEFAULTS;
  const read = new FlagReader(flags);
  const given = flags["stats"];
  if (given === undefined || given === true || given === "")
    throw invalid("--stats <artifact> is required (or --no-stats to run on decoded pixels)");
  const stats = given === false ? null : String(given);
  if (stats !== null && read.text("--rescale") !== undefined)
    throw invalid("--rescale goes with --no-stats; with --stats the artifact's rescale applies");
  if (read.on("--resume") && read.on("--overwrite"))
    throw invalid("--resume and --overwrite exclude each other");
  const model = read.text("--model");
  if (model === undefined || model === "")
    throw invalid("--model <file|folder|s3://…> is required");
  const out = read.text("--out");
  if (out === undefined || out === "") throw invalid("--out <folder|s3://…> is required");
  return {
    source,
    model,
    stats,
    out,
    runtime: read.value("--runtime", d.runtime, (v) =>
      parseChoice("--runtime", v, PREDICT_RUNTIMES),
    ),
    device: read.value("--device", d.device, (v) => parseChoice("--device", v, PREDICT_DEVICES)),
    threads: read.value<number | null>("--threads", d.threads, (v) =>
      parsePositiveInt("--threads", v),
    ),
    sessions: read.value<number | null>("--sessions", d.sessions, (v) =>
      parseNonNegativeInt("--sessions", v),
    ),
    inputLayout: read.value("--input-layout", d.inputLayout, (v) =>
      parseChoice("--input-layout", v, PREDICT_INPUT_LAYOUTS),
    ),
    batchSize: read.value("--batch-size", d.batchSize, (v) => parsePositiveInt("--batch-size", v)),
    format: read.value("--format", d.format, (v) => parseChoice("--format", v, PREDICT_FORMATS)),
    topK: read.value<number | null>("--top-k", d.topK, (v) => parsePositiveInt("--top-k", v)),
    labels: read.value<string | null>("--labels", d.labels, (v) => v),
    rescale: read.value<number | null>("--rescale", d.rescale, parseRescale),
    decode: decodeFromFlags(flags, true),
    existing: read.on("--resume") ? "resume" : read.on("--overwrite") ? "overwrite" : d.existing,
    onError: read.value("--on-error", d.onError, (v) =>
      parseChoice("--on-error", v, ON_ERROR_POLICIES),
    ),
    maxSkipped: read.value("--max-skipped", d.maxSkipped, (v) =>
      parseSkipLimit("--max-skipped", v),
    ),
    imagesPerShard: read.value("--images-per-shard", d.imagesPerShard, (v) =>
      parsePositiveInt("--images-per-shard", v),
    ),
    backend: read.value("--backend", d.backend, (v) => v),
    followLinks: read.on("--follow-links"),
  };
}
