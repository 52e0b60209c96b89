import { Command } from "commander";
import {
  COLOR_MODES,
  ON_ERROR_POLICIES,
  parseSkipLimit,
  PREDICT_DEFAULTS,
  PREDICT_DEVICES,
  PREDICT_FORMATS,
  PREDICT_INPUT_LAYOUTS,
  PREDICT_RUNTIMES,
  formatSkipLimit,
  ErrorCodes,
  FeaturewiseError,
  type PredictOptions,
} from "@featurewise/core";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addDecodeOptions, decodeFromOptions, type DecodeFlags } from "./decode-options.js";
import {
  parseChoice,
  parseNonNegativeInt,
  parsePositiveInt,
  parseRescale,
} from "./parse-values.js";
import { ProgressBar } from "./progress-bar.js";
import { formatPredictSummary, predictSummaryJson } from "./summary.js";

interface PredictFlags extends DecodeFlags {
  model: string;
  stats?: string | boolean;
  out: string;
  runtime?: string;
  device?: string;
  threads?: string;
  sessions?: string;
  inputLayout?: string;
  batchSize?: string;
  format?: string;
  topK?: string;
  labels?: string;
  rescale?: string;
  resume?: boolean;
  overwrite?: boolean;
  onError?: string;
  maxSkipped?: string;
  imagesPerShard?: string;
  backend?: string;
  followLinks?: boolean;
  json?: boolean;
  redis?: string;
  detach?: boolean;
}

/** `featurewise predict <source> --model … --stats … --out …`: standardize as Keras does, run the model, write parts. */
export function predictCommand(print: (text: string) => void): Command {
  const d = PREDICT_DEFAULTS;
  const cmd = new Command("predict")
    .description(
      "standardize the images under <source> with a fitted artifact exactly as Keras' standardize does, " +
        "run a model on them, and write one part per shard and manifest.json",
    )
    .argument(
      "<source>",
      "images: a folder, s3://bucket/prefix or WebDataset tars (parts follow the fit's shard plan)",
    )
    .requiredOption(
      "--model <file|folder|s3://…>",
      "an ONNX model (.onnx) or a TensorFlow.js model.json, or a folder holding one",
    )
    .option(
      "--stats <artifact>",
      "the artifact (folder or s3:// prefix) whose statistics and decode settings to apply",
    )
    .option(
      "--no-stats",
      "run the model on the decoded pixels (for models that normalize inside); see --rescale",
    )
    .requiredOption(
      "--out <folder|s3://…>",
      "output folder: part-000042.<format> per shard, manifest.json last",
    )
    .option(
      "--runtime <name>",
      `${PREDICT_RUNTIMES.join("|")} (default ${d.runtime}: by the model's format)`,
    )
    .option(
      "--device <name>",
      `${PREDICT_DEVICES.join("|")}; auto falls back to the CPU with the reason (default ${d.device})`,
    )
    .option(
      "--threads <n>",
      "intra-op threads of each ONNX Runtime session (default the cores over the sessions)",
    )
    .option(
      "--sessions <n>",
      "ONNX Runtime sessions on worker threads, running batches side by side; 0: one on the main thread (default 2; 1 on one core or when two batches pass 64 MiB)",
    )
    .option(
      "--input-layout <layout>",
      `${PREDICT_INPUT_LAYOUTS.join("|")} (default ${d.inputLayout}: from the model's input)`,
    )
    .option("--batch-size <n>", `images per model run (default ${d.batchSize})`)
    .option("--format <name>", `${PREDICT_FORMATS.join("|")} (default ${d.format})`)
    .option("--top-k <k>", "add the k best classes of the first output: top_k_index, top_k_score")
    .option("--labels <file>", "class names, one a line, for --top-k (adds top_k_label)")
    .option("--rescale <factor>", "with --no-stats: multiply the decoded pixels, e.g. 1/255")
    .option("--resume", "continue the same run in --out: keep its parts that verify by sha256")
    .option("--overwrite", "replace another run's files in --out")
    .option(
      "--on-error <policy>",
      `skip (list unusable files in manifest.json) | fail (default ${d.onError})`,
    )
    .option(
      "--max-skipped <limit>",
      `fail when more images are skipped: a count or a fraction (default ${formatSkipLimit(d.maxSkipped)})`,
    )
    .option(
      "--images-per-shard <n>",
      `images per shard, and so per part (default ${d.imagesPerShard})`,
    )
    .option("--backend <name>", `compute backend of the ZCA product (default ${d.backend})`)
    .option("--follow-links", "enter symlinked folders of a local source")
    .option("--json", "print the summary as JSON")
    .option(
      "--redis <url>",
      "run on the cluster's predict workers behind this Redis (default: $REDIS_URL if set)",
    )
    .option("--detach", "with --redis: print the run's id and return without waiting");
  addDecodeOptions(cmd, `the artifact's; ${COLOR_MODES[0]}, no resize with --no-stats`);
  return cmd.action(async (source: string, flags: PredictFlags) => {
    const options = predictOptions(source, flags);
    const clusterUrl = flags.redis ?? process.env["REDIS_URL"] ?? "";
    if (flags.detach === true && clusterUrl === "") {
      throw usage("--detach needs a cluster: pass --redis redis://host:6379 or set REDIS_URL");
    }
    const storage = new Storage(readStorageConfig(process.env));
    if (clusterUrl !== "") {
      const cluster = {
        redis: flags.redis,
        queuePrefix: undefined,
        detach: flags.detach === true,
        json: flags.json === true,
      };
      // Loaded here: BullMQ and ioredis cost an embedded predict nothing.
      const { runClusterPredict } = await import("./cluster-predict.js");
      return runClusterPredict(options, cluster, storage, print).finally(() => storage.close());
    }
    const bar = new ProgressBar();
    // Loaded here: ONNX Runtime and TensorFlow.js cost the other commands nothing.
    const { runPredict } = await import("@featurewise/predict");
    try {
      const result = await runPredict(options, (p) => bar.update(p), { storage });
      bar.clear();
      print(
        flags.json === true
          ? JSON.stringify(predictSummaryJson(result), null, 2)
          : formatPredictSummary(result),
      );
    } finally {
      bar.clear();
      storage.close();
    }
  });
}

/** The command line's flags as {@link PredictOptions}, each checked. */
export function predictOptions(source: string, flags: PredictFlags): PredictOptions {
  const d = PREDICT_DEFAULTS;
  const stats = typeof flags.stats === "string" ? flags.stats : null;
  if (flags.stats === undefined || flags.stats === true) {
    throw usage("--stats <artifact> is required (or --no-stats to run on decoded pixels)");
  }
  if (stats !== null && flags.rescale !== undefined) {
    throw usage("--rescale goes with --no-stats; with --stats the artifact's rescale applies");
  }
  if (flags.resume === true && flags.overwrite === true) {
    throw usage("--resume and --overwrite exclude each other");
  }
  return {
    source,
    model: flags.model,
    stats,
    out: flags.out,
    runtime: given(flags.runtime, d.runtime, (v) => parseChoice("--runtime", v, PREDICT_RUNTIMES)),
    device: given(flags.device, d.device, (v) => parseChoice("--device", v, PREDICT_DEVICES)),
    threads: given<number | null>(flags.threads, d.threads, (v) =>
      parsePositiveInt("--threads", v),
    ),
    sessions: given<number | null>(flags.sessions, d.sessions, (v) =>
      parseNonNegativeInt("--sessions", v),
    ),
    inputLayout: given(flags.inputLayout, d.inputLayout, (v) =>
      parseChoice("--input-layout", v, PREDICT_INPUT_LAYOUTS),
    ),
    batchSize: given(flags.batchSize, d.batchSize, (v) => parsePositiveInt("--batch-size", v)),
    format: given(flags.format, d.format, (v) => parseChoice("--format", v, PREDICT_FORMATS)),
    topK: given(flags.topK, d.topK, (v) => parsePositiveInt("--top-k", v)),
    labels: flags.labels ?? d.labels,
    rescale: given(flags.rescale, d.rescale, parseRescale),
    decode: decodeFromOptions(flags, true),
    existing:
      flags.resume === true ? "resume" : flags.overwrite === true ? "overwrite" : d.existing,
    onError: given(flags.onError, d.onError, (v) =>
      parseChoice("--on-error", v, ON_ERROR_POLICIES),
    ),
    maxSkipped: given(flags.maxSkipped, d.maxSkipped, (v) => parseSkipLimit("--max-skipped", v)),
    imagesPerShard: given(flags.imagesPerShard, d.imagesPerShard, (v) =>
      parsePositiveInt("--images-per-shard", v),
    ),
    backend: flags.backend ?? d.backend,
    followLinks: flags.followLinks === true,
  };
}

function usage(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** The flag's parsed value, or the default when it was not given. */
function given<T>(value: string | undefined, fallback: T, parse: (v: string) => T): T {
  return value === undefined ? fallback : parse(value);
}
