/**
 * The zod schemas of a fit's options, built from the values and defaults in
 * fit-options.ts and described by option-specs.ts: the job payloads
 * validate with {@link fitOptionsSchema} (every field given, as submitted);
 * an HTTP API's request is flat, the command line's flags in camelCase
 * ({@link fitRequestSchema}, {@link predictRequestSchema}), read by
 * option-flags.ts as the command line's flags are, and
 * {@link fitRequestJsonSchema} is the JSON Schema the API publishes. Reached as `@featurewise/core/options`, apart from
 * core's main entry, because zod takes ~70 ms to load and `featurewise
 * --version` or an embedded fit need none of it. zod is pure computation
 * (no I/O, no Node API), so core stays free of both.
 */
import { z } from "zod";
import type { ColorMode, DecodeSettings, Interpolation } from "../artifact/stats-document.js";
import type { DataFormat } from "../image-layout.js";
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { PROFILES, type Profile } from "../profiles.js";
import {
  COLOR_MODES,
  DATA_FORMATS,
  INTERPOLATIONS,
  ON_ERROR_POLICIES,
  type FitOptions,
  type OnError,
} from "./fit-options.js";
import {
  fitOptionsFromFlags,
  flagKey,
  predictOptionsFromFlags,
  takesValue,
  type FlagValue,
  type OptionFlags,
} from "./option-flags.js";
import { FIT_OPTION_SPECS, fitOptionSpec } from "./option-specs.js";
import {
  DECODE_OPTION_PATHS,
  PREDICT_DECODE_DEFAULT_TEXT,
  PREDICT_OPTION_SPECS,
} from "./predict-option-specs.js";
import {
  PREDICT_DEVICES,
  PREDICT_EXISTING,
  PREDICT_FORMATS,
  PREDICT_INPUT_LAYOUTS,
  PREDICT_RUNTIMES,
  type PredictOptions,
} from "./predict-options.js";
import type { SkipLimit } from "./skip-limit.js";

type Choices<T extends string> = readonly [T, ...T[]];

/** Attaches the option's description and flag (they reach the JSON Schema). */
function described<T extends z.ZodType>(path: string, schema: T): T {
  const spec = fitOptionSpec(path);
  return schema.meta({ description: spec.description, flag: spec.flag.split(" ")[0] });
}

const positiveInt = z.number().int().positive();

/** Schema of {@link SkipLimit}. */
export const skipLimitSchema: z.ZodType<SkipLimit> = z.union([
  z.strictObject({ count: z.number().int().nonnegative() }),
  z.strictObject({ fraction: z.number().min(0).max(1) }),
]);

const field = {
  source: z.string().min(1).meta({ description: "images: a folder path or URI" }),
  out: described("out", z.string().min(1)),
  center: described("flags.featurewiseCenter", z.boolean()),
  std: described("flags.featurewiseStdNormalization", z.boolean()),
  zca: described("flags.zcaWhitening", z.boolean()),
  profile: described("profile", z.enum(PROFILES as Choices<Profile>)),
  rescale: described("rescale", z.number().finite().nullable()),
  zcaEpsilon: described("zcaEpsilon", z.number().positive()),
  dataFormat: described("dataFormat", z.enum(DATA_FORMATS as Choices<DataFormat>)),
  colorMode: described("decode.colorMode", z.enum(COLOR_MODES as Choices<ColorMode>)),
  targetSize: described("decode.targetSize", z.tuple([positiveInt, positiveInt]).nullable()),
  interpolation: described(
    "decode.interpolation",
    z.enum(INTERPOLATIONS as Choices<Interpolation>),
  ),
  onError: described("onError", z.enum(ON_ERROR_POLICIES as Choices<OnError>)),
  backend: described("backend", z.string().min(1)),
  maxZcaBytes: described("maxZcaBytes", z.number().positive()),
  imagesPerShard: described("imagesPerShard", positiveInt),
  maxSkipped: described("maxSkipped", skipLimitSchema),
  followLinks: described("followLinks", z.boolean()),
};

/** Schema of a data format (`channels_last`, `channels_first`). */
export const dataFormatSchema: z.ZodType<DataFormat> = field.dataFormat;

/** Schema of an {@link OnError} policy. */
export const onErrorSchema: z.ZodType<OnError> = field.onError;

/** Schema of {@link DecodeSettings}, every field given. */
export const decodeSettingsSchema: z.ZodType<DecodeSettings> = z.object({
  colorMode: field.colorMode,
  targetSize: field.targetSize,
  interpolation: field.interpolation,
});

/** Schema of {@link FitOptions} as a job carries it: every field given (`maxSkipped` may be absent). */
export const fitOptionsSchema: z.ZodType<FitOptions> = z.object({
  source: field.source,
  out: field.out,
  flags: z.object({
    featurewiseCenter: field.center,
    featurewiseStdNormalization: field.std,
    zcaWhitening: field.zca,
  }),
  profile: field.profile,
  rescale: field.rescale,
  zcaEpsilon: field.zcaEpsilon,
  dataFormat: field.dataFormat,
  decode: decodeSettingsSchema,
  onError: field.onError,
  backend: field.backend,
  maxZcaBytes: field.maxZcaBytes,
  imagesPerShard: field.imagesPerShard,
  maxSkipped: field.maxSkipped.exactOptional(),
  followLinks: field.followLinks.exactOptional(),
});

/** Defaults help states in words rather than values; the JSON Schema gives none for them. */
const UNSTATED = new Set(["off", "none", "required"]);

/**
 * The flat request schema of a run's options: each flag under its camelCase
 * name (`zcaEpsilon`), a switch as a boolean, a valued flag as the text the
 * command line takes or a JSON number. Unknown fields are refused. Values
 * are read by option-flags.ts, as the command line's are.
 */
function flatRequestSchema(
  options: readonly { flag: string; description: string; default?: FlagValue }[],
  required: readonly string[],
  extra: Record<string, z.ZodType>,
): z.ZodObject {
  const shape: Record<string, z.ZodType> = { source: field.source, ...extra };
  for (const o of options) {
    const key = flagKey(o.flag);
    if (key in shape) continue;
    const value = takesValue(o.flag) ? z.union([z.string().min(1), z.number()]) : z.boolean();
    const meta = {
      description: o.description,
      flag: o.flag.split(" ")[0],
      ...(o.default === undefined ? {} : { default: o.default }),
    };
    shape[key] = required.includes(key) ? value.meta(meta) : value.optional().meta(meta);
  }
  return z.strictObject(shape);
}

/** A fit as an HTTP API takes it: `{source, out, std: true, size: "224x224", …}`, the flags of `fit`. */
export const fitRequestSchema = flatRequestSchema(
  FIT_OPTION_SPECS.map((s) => ({
    flag: s.flag,
    description: s.description,
    ...(UNSTATED.has(s.defaultText) ? {} : { default: s.defaultText }),
  })),
  ["out"],
  {},
);

/** A prediction as an HTTP API takes it: `{source, model, stats, out, batchSize: 64, …}`; `stats: false` is `--no-stats`. */
export const predictRequestSchema = flatRequestSchema(
  [
    ...PREDICT_OPTION_SPECS,
    ...DECODE_OPTION_PATHS.map((path) => ({
      flag: fitOptionSpec(path).flag,
      description: `${fitOptionSpec(path).description} (default ${PREDICT_DECODE_DEFAULT_TEXT})`,
    })),
  ],
  ["model", "out"],
  {
    stats: z.union([z.string().min(1), z.literal(false)]).meta({
      description:
        "the artifact (folder or s3:// prefix) whose statistics and decode settings to apply, or false (--no-stats) to run the model on the decoded pixels",
      flag: "--stats",
    }),
  },
);

/** The JSON Schema (draft 2020-12) of a fit request: what an HTTP API accepts. */
export function fitRequestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fitRequestSchema, { io: "input" }) as Record<string, unknown>;
}

/** The JSON Schema (draft 2020-12) of a prediction request. */
export function predictRequestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(predictRequestSchema, { io: "input" }) as Record<string, unknown>;
}

/**
 * Validates a fit request (an API body) and reads it as `fit` reads its flags.
 * @throws FeaturewiseError INVALID_ARGUMENT naming every field that is wrong
 */
export function parseFitRequest(data: unknown): FitOptions {
  const { source, ...flags } = parseFlat("fit request", fitRequestSchema, data);
  return fitOptionsFromFlags(source as string, flags as OptionFlags);
}

/**
 * Validates a prediction request and reads it as `predict` reads its flags.
 * @throws FeaturewiseError INVALID_ARGUMENT naming every field that is wrong
 */
export function parsePredictRequest(data: unknown): PredictOptions {
  const { source, ...flags } = parseFlat("prediction request", predictRequestSchema, data);
  return predictOptionsFromFlags(source as string, flags as OptionFlags);
}

function parseFlat(what: string, schema: z.ZodObject, data: unknown): Record<string, unknown> {
  const result = schema.safeParse(data);
  if (!result.success) throw invalidOptions(what, result.error);
  return result.data;
}

/** INVALID_ARGUMENT naming each field that is wrong (zod's own words, on one line). */
export function invalidOptions(what: string, error: z.ZodError): Error {
  return new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `malformed ${what}: ${z.prettifyError(error).replace(/\n/g, "; ")}`,
  );
}

/** Schema of {@link PredictOptions} as a job carries it: every field given. */
export const predictOptionsSchema: z.ZodType<PredictOptions> = z.object({
  source: field.source,
  model: z.string().min(1),
  stats: z.string().min(1).nullable(),
  out: z.string().min(1),
  runtime: z.enum(PREDICT_RUNTIMES),
  device: z.enum(PREDICT_DEVICES),
  threads: positiveInt.nullable(),
  sessions: z.number().int().nonnegative().nullable(),
  inputLayout: z.enum(PREDICT_INPUT_LAYOUTS),
  batchSize: positiveInt,
  format: z.enum(PREDICT_FORMATS),
  topK: positiveInt.nullable(),
  labels: z.string().min(1).nullable(),
  rescale: z.number().finite().nullable(),
  decode: decodeSettingsSchema,
  existing: z.enum(PREDICT_EXISTING),
  onError: field.onError,
  maxSkipped: skipLimitSchema,
  imagesPerShard: positiveInt,
  backend: z.string().min(1),
  followLinks: z.boolean(),
});

const count = z.number().int().nonnegative();

/**
 * Schema of a shard spec as a job carries it (`@featurewise/dataset`'s
 * `ShardSpec`: a range of listed keys with their items, or one tar).
 */
export const shardSpecSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("range"),
    index: count,
    id: z.string().min(1),
    startAfter: z.string().nullable(),
    lastKey: z.string(),
    count,
    bytes: count,
    items: z
      .array(
        z.object({
          key: z.string(),
          size: count,
          etag: z.string().exactOptional(),
          unreadable: z.string().exactOptional(),
        }),
      )
      .exactOptional(),
  }),
  z.object({
    kind: z.literal("tar"),
    index: count,
    id: z.string().min(1),
    key: z.string().min(1),
    size: count,
    etag: z.string().exactOptional(),
  }),
]);
