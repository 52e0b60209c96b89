import { Command } from "commander";
import { DEFAULT_ZCA_EPSILON, PROFILES } from "@featurewise/core";
import { DEFAULT_MAX_ZCA_BYTES, runEmbeddedFit, type FitOptions } from "@featurewise/jobs";
import { DEFAULT_IMAGES_PER_SHARD } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addDecodeOptions, decodeFromOptions, type DecodeFlags } from "./decode-options.js";
import {
  parseBytes,
  parseChoice,
  parsePositiveInt,
  parsePositiveNumber,
  parseRescale,
} from "./parse-values.js";
import { ProgressBar } from "./progress-bar.js";
import { formatFitSummary, fitSummaryJson } from "./summary.js";

interface FitFlags extends DecodeFlags {
  out: string;
  center?: boolean;
  std?: boolean;
  zca?: boolean;
  zcaEpsilon: string;
  rescale?: string;
  profile: string;
  dataFormat: string;
  onError: string;
  backend: string;
  maxZcaBytes: string;
  imagesPerShard: string;
  followLinks?: boolean;
  concurrency: string;
  json?: boolean;
  redis?: string;
  detach?: boolean;
}

/** `featurewise fit <source> --out <dir>`: computes Keras' featurewise statistics. */
export function fitCommand(print: (text: string) => void): Command {
  const cmd = new Command("fit")
    .description(
      "compute Keras' featurewise statistics (mean, std, ZCA) of the images under <source>",
    )
    .argument(
      "<source>",
      "images: a folder (recursive), s3://bucket/prefix, or WebDataset tars like " +
        "s3://bucket/train-{000000..000127}.tar (processed in byte order of keys)",
    )
    .requiredOption("--out <dir>", "folder or s3://bucket/prefix to write the stats artifact to")
    .option("--center", "featurewise_center: subtract the per-channel mean")
    .option(
      "--std",
      "featurewise_std_normalization: divide by the per-channel std (implies --center)",
    )
    .option(
      "--zca",
      "zca_whitening: fit the ZCA whitening matrix (implies --center, turns --std off)",
    )
    .option("--zca-epsilon <eps>", "zca_epsilon", String(DEFAULT_ZCA_EPSILON))
    .option(
      "--rescale <factor>",
      "multiply pixel values first, as a number or a fraction like 1/255",
    )
    .option("--profile <name>", `Keras version whose math to use: ${PROFILES.join("|")}`, "keras")
    .option("--data-format <format>", "channels_last|channels_first", "channels_last")
    .option(
      "--on-error <policy>",
      "skip (list unusable files in stats.json) | fail (stop at the first)",
      "skip",
    )
    .option("--backend <name>", "compute backend: auto|cuda|openblas|tfjs|js", "auto")
    .option(
      "--max-zca-bytes <bytes>",
      "largest whitening matrix to build (like 2G)",
      String(DEFAULT_MAX_ZCA_BYTES),
    )
    .option(
      "--images-per-shard <n>",
      "images per shard of the fit plan",
      String(DEFAULT_IMAGES_PER_SHARD),
    )
    .option(
      "--follow-links",
      "enter symlinked folders of a local source (symlinked files are always read)",
    )
    .option("--concurrency <n>", "shards computed at once (does not change the result)", "2")
    .option("--json", "print the summary as JSON")
    .option("--redis <url>", "run on the cluster behind this Redis (default: $REDIS_URL if set)")
    .option("--detach", "with --redis: print the fit id and return without waiting");
  addDecodeOptions(cmd);
  return cmd.action(async (source: string, flags: FitFlags) => {
    const storage = new Storage(readStorageConfig(process.env));
    const shardConcurrency = parsePositiveInt("--concurrency", flags.concurrency);
    const options: FitOptions = {
      source,
      out: flags.out,
      flags: {
        featurewiseCenter: flags.center === true,
        featurewiseStdNormalization: flags.std === true,
        zcaWhitening: flags.zca === true,
      },
      profile: parseChoice("--profile", flags.profile, PROFILES),
      rescale: flags.rescale === undefined ? null : parseRescale(flags.rescale),
      zcaEpsilon: parsePositiveNumber("--zca-epsilon", flags.zcaEpsilon),
      dataFormat: parseChoice("--data-format", flags.dataFormat, [
        "channels_last",
        "channels_first",
      ] as const),
      decode: decodeFromOptions(flags, true),
      onError: parseChoice("--on-error", flags.onError, ["skip", "fail"] as const),
      backend: flags.backend,
      maxZcaBytes: parseBytes("--max-zca-bytes", flags.maxZcaBytes),
      imagesPerShard: parsePositiveInt("--images-per-shard", flags.imagesPerShard),
      ...(flags.followLinks === true ? { followLinks: true } : {}),
    };
    if ((flags.redis ?? process.env["REDIS_URL"] ?? "") !== "") {
      const cluster = {
        redis: flags.redis,
        detach: flags.detach === true,
        json: flags.json === true,
      };
      // Loaded here, not at the top: BullMQ and ioredis cost an embedded fit ~0.5 s of startup.
      const { runClusterFit } = await import("./cluster-fit.js");
      return runClusterFit(options, cluster, storage, print).finally(() => storage.close());
    }
    const bar = new ProgressBar();
    try {
      const result = await runEmbeddedFit(options, (p) => bar.update(p), {
        storage,
        shardConcurrency,
      });
      bar.clear();
      print(
        flags.json ? JSON.stringify(fitSummaryJson(result), null, 2) : formatFitSummary(result),
      );
    } finally {
      bar.clear();
      storage.close();
    }
  });
}
