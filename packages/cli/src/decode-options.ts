import type { Command } from "commander";
import {
  COLOR_MODES,
  DEFAULT_DECODE,
  INTERPOLATIONS,
  type DecodeSettings,
} from "@featurewise/core";
import { addFitOption } from "./option-help.js";
import { parseChoice, parseSize } from "./parse-values.js";

/** The decode flags as commander hands them over. */
export interface DecodeFlags {
  colorMode?: string;
  size?: string;
  interpolation?: string;
}

/** Adds Keras `load_img`'s options to a command; `defaultText` overrides the stated defaults. */
export function addDecodeOptions(cmd: Command, defaultText?: string): void {
  for (const path of ["decode.colorMode", "decode.targetSize", "decode.interpolation"])
    addFitOption(cmd, path, defaultText);
}

/**
 * The decode settings given on the command line. With `withDefaults` the
 * unset ones take Keras' defaults (DEFAULT_DECODE); without, they are left
 * out (so an artifact's own settings apply).
 */
export function decodeFromOptions(flags: DecodeFlags, withDefaults: true): DecodeSettings;
export function decodeFromOptions(flags: DecodeFlags, withDefaults: false): Partial<DecodeSettings>;
export function decodeFromOptions(
  flags: DecodeFlags,
  withDefaults: boolean,
): Partial<DecodeSettings> {
  const out: { -readonly [K in keyof DecodeSettings]?: DecodeSettings[K] } = withDefaults
    ? { ...DEFAULT_DECODE }
    : {};
  if (flags.colorMode !== undefined)
    out.colorMode = parseChoice("--color-mode", flags.colorMode, COLOR_MODES);
  if (flags.size !== undefined) out.targetSize = parseSize(flags.size);
  if (flags.interpolation !== undefined)
    out.interpolation = parseChoice("--interpolation", flags.interpolation, INTERPOLATIONS);
  return out;
}
