import { Command } from "commander";
import {
  DATA_FORMATS,
  ON_ERROR_POLICIES,
  TRANSFORM_DEFAULTS,
  TRANSFORM_DTYPES,
  decodeFromFlags,
  parseChoice,
} from "@featurewise/core";
import { runTransform } from "@featurewise/pipeline";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addDecodeOptions } from "./decode-options.js";
import { addFitOption } from "./option-help.js";
import { formatTransformSummary } from "./summary.js";

/** Commander's flags (a type, not an interface, so it reads as core's OptionFlags). */
type TransformFlags = {
  colorMode?: string;
  size?: string;
  interpolation?: string;
  out: string;
  stats?: string;
  dtype?: string;
  dataFormat?: string;
  onError?: string;
  backend?: string;
  followLinks?: boolean;
  json?: boolean;
};

/** `featurewise transform <source> --out <file.npy>`: decode (and standardize) images into one array. */
export function transformCommand(print: (text: string) => void): Command {
  const cmd = new Command("transform")
    .description("decode the images under <source> into one .npy array, standardized with --stats")
    .argument(
      "<source>",
      "images: a folder, s3://bucket/prefix or WebDataset tars (byte order of keys = array order)",
    )
    .requiredOption(
      "--out <file.npy>",
      "array to write (path or s3:// URI); <file.npy>.keys.jsonl lists the keys in array order, one JSON string a line",
    )
    .option(
      "--stats <dir>",
      "stats artifact (folder or s3:// prefix) whose statistics, decode settings and profile to apply",
    )
    .option("--dtype <type>", `${TRANSFORM_DTYPES.join("|")} (default ${TRANSFORM_DEFAULTS.dtype})`)
    .option(
      "--data-format <format>",
      `${DATA_FORMATS.join("|")}, without --stats (default ${TRANSFORM_DEFAULTS.dataFormat})`,
    )
    .option(
      "--on-error <policy>",
      `skip|fail for unusable files (default ${TRANSFORM_DEFAULTS.onError})`,
    );
  addFitOption(cmd, "backend");
  addFitOption(cmd, "followLinks");
  cmd.option("--json", "print the summary as JSON");
  addDecodeOptions(cmd, "the artifact's, else Keras'");
  return cmd.action(async (source: string, flags: TransformFlags) => {
    const d = TRANSFORM_DEFAULTS;
    const storage = new Storage(readStorageConfig(process.env));
    const result = await runTransform({
      storage,
      source,
      out: flags.out,
      stats: flags.stats ?? null,
      dtype: parseChoice("--dtype", flags.dtype ?? d.dtype, TRANSFORM_DTYPES),
      decode: decodeFromFlags(flags, false),
      dataFormat: parseChoice("--data-format", flags.dataFormat ?? d.dataFormat, DATA_FORMATS),
      onError: parseChoice("--on-error", flags.onError ?? d.onError, ON_ERROR_POLICIES),
      backend: flags.backend ?? d.backend,
      ...(flags.followLinks === true ? { followLinks: true } : {}),
    }).finally(() => storage.close());
    print(flags.json ? JSON.stringify(result, null, 2) : formatTransformSummary(result));
  });
}
