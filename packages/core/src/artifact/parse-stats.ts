import { z } from "zod";
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { COLOR_MODE_CHANNELS } from "../options/fit-options.js";
import { PROFILES } from "../profiles.js";
import { ARTIFACT_FILES, STATS_SCHEMA_VERSION, type StatsDocument } from "./stats-document.js";

/**
 * Most values one image may hold (H·W·C) in an artifact that is read back:
 * a float64 row of them is 1 GiB. Larger shapes are refused before any
 * array is allocated for them.
 */
export const MAX_IMAGE_VALUES = 2 ** 27;
/**
 * Most entries (D²) of a whitening matrix that is read back: 32 GiB of
 * float64, past anything `--max-zca-bytes` would sensibly allow.
 */
export const MAX_WHITENING_ENTRIES = 2 ** 32;

const positiveInt = z.number().int().positive();
const count = z.number().int().nonnegative();
const finite = z.number().finite();
const flags = z.object({
  featurewiseCenter: z.boolean(),
  featurewiseStdNormalization: z.boolean(),
  zcaWhitening: z.boolean(),
});
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 as 64 lowercase hex digits");

/** The schema of `stats.json` (version {@link STATS_SCHEMA_VERSION}). */
const statsSchema = z
  .object({
    schema: z.literal("featurewise.stats"),
    schemaVersion: z.literal(STATS_SCHEMA_VERSION),
    featurewiseVersion: z.string(),
    createdAt: z.string(),
    profile: z.enum(PROFILES as ["keras", "keras-preprocessing-1.1"]),
    requestedFlags: flags,
    flags,
    warnings: z.array(z.string()),
    rescale: finite.refine((v) => v !== 0, "a non-zero number").nullable(),
    zcaEpsilon: finite.positive(),
    dataFormat: z.enum(["channels_last", "channels_first"]),
    decode: z.object({
      colorMode: z.enum(["rgb", "grayscale", "rgba"]),
      targetSize: z.tuple([positiveInt, positiveInt]).nullable(),
      interpolation: z.enum(["nearest", "bilinear", "bicubic"]),
    }),
    imageShape: z.tuple([positiveInt, positiveInt, positiveInt]),
    n: positiveInt,
    skipped: z.object({
      count,
      items: z.array(z.object({ key: z.string(), reason: z.string() })),
    }),
    channelMean: z.array(finite),
    channelStd: z.array(finite.nonnegative()),
    files: z.object({
      mean: z.literal(ARTIFACT_FILES.mean),
      std: z.literal(ARTIFACT_FILES.std),
      whitening: z.literal(ARTIFACT_FILES.whitening).nullable(),
      npz: z.literal(ARTIFACT_FILES.npz),
      moments: z.literal(ARTIFACT_FILES.moments),
    }),
    checksums: z.record(z.string(), sha256),
    source: z.object({ uri: z.string(), listed: count, fingerprint: z.string() }),
    backend: z.object({ name: z.string(), reason: z.string() }),
    timings: z.object({
      seconds: finite.nonnegative(),
      imagesPerSecond: finite.nonnegative(),
      finalizeSeconds: finite.nonnegative(),
    }),
  })
  .superRefine((d, ctx) => {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const [a, b, c] = d.imageShape;
    const channels = d.dataFormat === "channels_last" ? c : a;
    const values = a * b * c;
    if (channels !== COLOR_MODE_CHANNELS[d.decode.colorMode]) {
      issue(
        ["imageShape"],
        `has ${channels} channels, but colorMode ${d.decode.colorMode} gives ${COLOR_MODE_CHANNELS[d.decode.colorMode]}`,
      );
    }
    if (values > MAX_IMAGE_VALUES) {
      issue(
        ["imageShape"],
        `holds ${values} values an image, over the limit of ${MAX_IMAGE_VALUES}`,
      );
    } else if (d.flags.zcaWhitening && values * values > MAX_WHITENING_ENTRIES) {
      issue(
        ["imageShape"],
        `needs a ${values}x${values} whitening matrix, over the limit of ${MAX_WHITENING_ENTRIES} entries`,
      );
    }
    for (const key of ["channelMean", "channelStd"] as const) {
      if (d[key].length !== channels)
        issue([key], `holds ${d[key].length} values for ${channels} channels`);
    }
    if (d.skipped.count !== d.skipped.items.length)
      issue(["skipped", "count"], `is ${d.skipped.count} for ${d.skipped.items.length} items`);
    const f = d.flags;
    if (f.zcaWhitening && (!f.featurewiseCenter || f.featurewiseStdNormalization))
      issue(["flags"], "zcaWhitening without featurewiseCenter, or with std normalization");
    if (f.featurewiseStdNormalization && !f.featurewiseCenter)
      issue(["flags"], "featurewiseStdNormalization without featurewiseCenter");
    if (f.zcaWhitening !== (d.files.whitening !== null))
      issue(["files", "whitening"], `is ${d.files.whitening} with zcaWhitening ${f.zcaWhitening}`);
    for (const name of Object.values(d.files)) {
      if (name !== null && d.checksums[name] === undefined)
        issue(["checksums"], `has no sha256 for ${name}`);
    }
  });

/**
 * Parses `stats.json` and validates all of it against its schema: types,
 * ranges (a non-zero finite rescale, a positive epsilon), the known schema
 * version, the image shape against a size limit and against the channel
 * count, flags as Keras couples them, and a sha256 for every file.
 * @param origin - the file's URI, for messages
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming the file and each field that is wrong
 */
export function parseStatsDocument(text: string, origin: string): StatsDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw corrupt(origin, "it is not valid JSON", cause);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw corrupt(origin, "it is not a JSON object");
  const d = doc as Record<string, unknown>;
  if (d["schema"] !== "featurewise.stats")
    throw corrupt(origin, `schema is ${JSON.stringify(d["schema"])}, expected "featurewise.stats"`);
  const version = d["schemaVersion"];
  if (version === 1) {
    throw corrupt(
      origin,
      "schemaVersion 1 records no checksums, so its files cannot be verified; fit it again with this featurewise",
    );
  }
  if (version !== STATS_SCHEMA_VERSION) {
    throw corrupt(
      origin,
      `schemaVersion ${JSON.stringify(version)} is not one this featurewise reads (${STATS_SCHEMA_VERSION})`,
    );
  }
  const result = statsSchema.safeParse(doc);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.join(".") || "(root)"}: ${i.message}`,
    );
    throw corrupt(origin, problems.join("; "));
  }
  return result.data as StatsDocument;
}

function corrupt(origin: string, what: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.CORRUPT_ARTIFACT,
    `${origin} is not a valid featurewise stats.json: ${what}`,
    { cause },
  );
}
