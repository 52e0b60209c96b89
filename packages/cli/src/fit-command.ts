import { Command } from "commander";
import {
  DEFAULT_SHARD_CONCURRENCY,
  ErrorCodes,
  FeaturewiseError,
  FIT_OPTION_SPECS,
  fitOptionsFromFlags,
  parsePositiveInt,
  pickFlags,
} from "@featurewise/core";
import { runEmbeddedFit } from "@featurewise/fit";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addFitOption } from "./option-help.js";
import { ProgressBar } from "./progress-bar.js";
import { formatFitSummary, fitSummaryJson } from "./summary.js";

/**
 * Commander's flags: the fit's own (FIT_OPTION_SPECS, read by core's
 * fitOptionsFromFlags) and how to run it. A type, not an interface, so it
 * reads as core's OptionFlags.
 */
type FitFlags = {
  [option: string]: string | boolean | undefined;
  out: string;
  concurrency?: string;
  json?: boolean;
  redis?: string;
  api?: string;
  detach?: boolean;
};

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
    );
  // In the specs' order, which is help's (the decode flags among them).
  for (const spec of FIT_OPTION_SPECS) addFitOption(cmd, spec.path);
  cmd
    .option(
      "--concurrency <n>",
      `shards computed at once (does not change the result) (default ${DEFAULT_SHARD_CONCURRENCY})`,
    )
    .option("--json", "print the summary as JSON")
    .option("--redis <url>", "run on the cluster behind this Redis (default: $REDIS_URL if set)")
    .option(
      "--api <url>",
      "submit through featurewise serve at this URL (token: $FEATUREWISE_API_TOKEN)",
    )
    .option("--detach", "with --redis or --api: print the fit id and return without waiting");
  return cmd.action(async (source: string, flags: FitFlags) => {
    const clusterUrl = flags.redis ?? process.env["REDIS_URL"] ?? "";
    if (flags.detach === true && clusterUrl === "" && flags.api === undefined) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        "--detach needs a cluster: pass --redis redis://host:6379 or set REDIS_URL",
      );
    }
    const shardConcurrency =
      flags.concurrency === undefined
        ? DEFAULT_SHARD_CONCURRENCY
        : parsePositiveInt("--concurrency", flags.concurrency);
    const options = fitOptionsFromFlags(source, flags);
    if (flags.api !== undefined) {
      const { runApiFit } = await import("./api-fit.js");
      const api = { api: flags.api, detach: flags.detach === true, json: flags.json === true };
      return runApiFit(source, pickFlags(FIT_OPTION_SPECS, flags), api, print);
    }
    const storage = new Storage(readStorageConfig(process.env));
    if (clusterUrl !== "") {
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
