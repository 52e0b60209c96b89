import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { PROFILES } from "../profiles.js";
import { STATS_SCHEMA_VERSION, type StatsDocument } from "./stats-document.js";

/**
 * Parses and checks `stats.json`. Only the fields that `transform` and the
 * readers depend on are validated strictly; the rest is informational.
 */
export function parseStatsDocument(text: string, origin: string): StatsDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw corrupt(origin, "it is not valid JSON", cause);
  }
  if (typeof doc !== "object" || doc === null) throw corrupt(origin, "it is not a JSON object");
  const d = doc as Record<string, unknown>;
  if (d["schema"] !== "featurewise.stats")
    throw corrupt(origin, `schema is ${String(d["schema"])}`);
  const version = d["schemaVersion"];
  if (typeof version !== "number" || version > STATS_SCHEMA_VERSION) {
    throw corrupt(origin, `schemaVersion ${String(version)} is newer than ${STATS_SCHEMA_VERSION}`);
  }
  if (!PROFILES.includes(d["profile"] as never))
    throw corrupt(origin, `unknown profile ${String(d["profile"])}`);
  if (d["dataFormat"] !== "channels_last" && d["dataFormat"] !== "channels_first") {
    throw corrupt(origin, `unknown dataFormat ${String(d["dataFormat"])}`);
  }
  const shape = d["imageShape"];
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((v) => Number.isInteger(v) && v > 0)
  ) {
    throw corrupt(origin, "imageShape must be three positive integers");
  }
  for (const key of ["channelMean", "channelStd"]) {
    const arr = d[key];
    if (!Array.isArray(arr) || !arr.every((v) => typeof v === "number")) {
      throw corrupt(origin, `${key} must be an array of numbers`);
    }
  }
  if (typeof d["flags"] !== "object" || d["flags"] === null) throw corrupt(origin, "flags missing");
  if (typeof d["decode"] !== "object" || d["decode"] === null)
    throw corrupt(origin, "decode missing");
  return doc as StatsDocument;
}

function corrupt(origin: string, what: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.CORRUPT_ARTIFACT,
    `${origin} is not a featurewise stats.json: ${what}`,
    {
      cause,
    },
  );
}
