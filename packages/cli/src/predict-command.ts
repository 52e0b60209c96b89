import { Command, Option } from "commander";
import {
  ErrorCodes,
  FeaturewiseError,
  PREDICT_DECODE_DEFAULT_TEXT,
  PREDICT_OPTION_SPECS,
  pickFlags,
  predictOptionsFromFlags,
} from "@featurewise/core";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addDecodeOptions } from "./decode-options.js";
import { ProgressBar } from "./progress-bar.js";
import { formatPredictSummary, predictSummaryJson } from "./summary.js";

/**
 * Commander's flags: the prediction's own (PREDICT_OPTION_SPECS, read by
 * core's predictOptionsFromFlags) and how to run it. A type, not an
 * interface, so it reads as core's OptionFlags.
 */
type PredictFlags = {
  [option: string]: string | boolean | undefined;
  json?: boolean;
  redis?: string;
  api?: string;
  detach?: boolean;
};

/** `featurewise predict <source> --model … --stats … --out …`: standardize as Keras does, run the model, write parts. */
export function predictCommand(print: (text: string) => void): Command {
  const cmd = new Command("predict")
    .description(
      "standardize the images under <source> with a fitted artifact exactly as Keras' standardize does, " +
        "run a model on them, and write one part per shard and manifest.json",
    )
    .argument(
      "<source>",
      "images: a folder, s3://bucket/prefix or WebDataset tars (parts follow the fit's shard plan)",
    );
  for (const spec of PREDICT_OPTION_SPECS) {
    const option = new Option(spec.flag, spec.description);
    cmd.addOption(spec.required === true ? option.makeOptionMandatory() : option);
  }
  cmd
    .option("--json", "print the summary as JSON")
    .option(
      "--redis <url>",
      "run on the cluster's predict workers behind this Redis (default: $REDIS_URL if set)",
    )
    .option(
      "--api <url>",
      "submit through featurewise serve at this URL (token: $FEATUREWISE_API_TOKEN)",
    )
    .option("--detach", "with --redis or --api: print the run's id and return without waiting");
  addDecodeOptions(cmd, PREDICT_DECODE_DEFAULT_TEXT);
  return cmd.action(async (source: string, flags: PredictFlags) => {
    // Read here for --api too: a bad flag is refused before anything is sent.
    const options = predictOptionsFromFlags(source, flags);
    if (flags.api !== undefined) {
      const { runApiPredict } = await import("./api-predict.js");
      const api = { api: flags.api, detach: flags.detach === true, json: flags.json === true };
      return runApiPredict(source, pickFlags(PREDICT_OPTION_SPECS, flags), api, print);
    }
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

function usage(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
}
