import type { Command } from "commander";
import { DECODE_OPTION_PATHS } from "@featurewise/core";
import { addFitOption } from "./option-help.js";

/** Adds Keras `load_img`'s options to a command; `defaultText` overrides the stated defaults. */
export function addDecodeOptions(cmd: Command, defaultText?: string): void {
  for (const path of DECODE_OPTION_PATHS) addFitOption(cmd, path, defaultText);
}
