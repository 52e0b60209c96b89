/**
 * Output formats of a prediction part, as a registry: a format encodes a
 * whole part into files (bytes), and the caller writes each with one PUT or
 * temp+rename, so a part is there whole or not at all.
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { EncodedFile, PredictionPart } from "./prediction-part.js";

/** An output format, as registered with {@link registerPartFormat}. */
export interface PartFormat {
  /** The name users pick it by (`--format parquet`). */
  readonly name: string;
  /** Encodes a whole part; the files' names start with the part's base name. */
  encode(part: PredictionPart): EncodedFile[];
}

const formats = new Map<string, PartFormat>();

/** Adds a format. @throws FeaturewiseError INVALID_ARGUMENT when the name is taken */
export function registerPartFormat(format: PartFormat): void {
  if (formats.has(format.name)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `format "${format.name}" is already registered`,
    );
  }
  formats.set(format.name, format);
}

/** The registered formats' names. */
export function partFormatNames(): string[] {
  return [...formats.keys()];
}

/** The format called `name`. @throws FeaturewiseError INVALID_ARGUMENT for an unknown one */
export function partFormat(name: string): PartFormat {
  const format = formats.get(name);
  if (format === undefined) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `format "${name}": expected one of ${partFormatNames().join(", ")}`,
    );
  }
  return format;
}
