import { Command } from "commander";
import { runTransform } from "@featurewise/jobs";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addDecodeOptions, decodeFromOptions, type DecodeFlags } from "./decode-options.js";
import { parseChoice } from "./parse-values.js";
import { formatTransformSummary } from "./summary.js";

interface TransformFlags extends DecodeFlags {
  out: string;
  stats?: string;
  dtype: string;
  dataFormat: string;
  onError: string;
  backend: string;
  json?: boolean;
}

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
    .option("--dtype <type>", "float32|float64", "float32")
    .option(
      "--data-format <format>",
      "channels_last|channels_first (without --stats)",
      "channels_last",
    )
    .option("--on-error <policy>", "skip|fail for unusable files", "skip")
    .option("--backend <name>", "compute backend: auto|cuda|openblas|tfjs|js", "auto")
    .option("--json", "print the summary as JSON");
  addDecodeOptions(cmd);
  return cmd.action(async (source: string, flags: TransformFlags) => {
    const storage = new Storage(readStorageConfig(process.env));
    const result = await runTransform({
      storage,
      source,
      out: flags.out,
      stats: flags.stats ?? null,
      dtype: parseChoice("--dtype", flags.dtype, ["float32", "float64"] as const),
      decode: decodeFromOptions(flags, false),
      dataFormat: parseChoice("--data-format", flags.dataFormat, [
        "channels_last",
        "channels_first",
      ] as const),
      onError: parseChoice("--on-error", flags.onError, ["skip", "fail"] as const),
      backend: flags.backend,
    }).finally(() => storage.close());
    print(flags.json ? JSON.stringify(result, null, 2) : formatTransformSummary(result));
  });
}
