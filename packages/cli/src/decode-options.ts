import type { Command } from "commander";
import type { DecodeSettings } from "@featurewise/core";
import { parseChoice, parseSize } from "./parse-values.js";

/** The decode flags as commander hands them over. */
export interface DecodeFlags {
  colorMode?: string;
  size?: string;
  interpolation?: string;
}

/** Adds Keras `load_img`'s options to a command. */
export function addDecodeOptions(cmd: Command): void {
  cmd
    .option("--color-mode <mode>", "rgb|grayscale|rgba (default rgb)")
    .option("--size <HxW>", "resize every image to HEIGHTxWIDTH (Keras target_size)")
    .option(
      "--interpolation <filter>",
      "nearest|bilinear|bicubic, used with --size (default nearest)",
    );
}

/**
 * The decode settings given on the command line. With `withDefaults` the
 * unset ones take Keras' defaults; without, they are left out (so an
 * artifact's own settings apply).
 */
export function decodeFromOptions(flags: DecodeFlags, withDefaults: true): DecodeSettings;
export function decodeFromOptions(flags: DecodeFlags, withDefaults: false): Partial<DecodeSettings>;
export function decodeFromOptions(
  flags: DecodeFlags,
  withDefaults: boolean,
): Partial<DecodeSettings> {
  const out: { -readonly [K in keyof DecodeSettings]?: DecodeSettings[K] } = withDefaults
    ? { colorMode: "rgb", targetSize: null, interpolation: "nearest" }
    : {};
  if (flags.colorMode !== undefined) {
    out.colorMode = parseChoice("--color-mode", flags.colorMode, [
      "rgb",
      "grayscale",
      "rgba",
    ] as const);
  }
  if (flags.size !== undefined) out.targetSize = parseSize(flags.size);
  if (flags.interpolation !== undefined) {
    out.interpolation = parseChoice("--interpolation", flags.interpolation, [
      "nearest",
      "bilinear",
      "bicubic",
    ] as const);
  }
  return out;
}
