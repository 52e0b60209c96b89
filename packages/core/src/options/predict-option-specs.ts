/**
 * How each prediction option is spelled and explained: `predict --help`
 * and the HTTP API's flat request schema (`POST /v1/predictions`) come
 * from this table (the decode flags come from FIT_OPTION_SPECS). Defaults
 * are {@link PREDICT_DEFAULTS}; descriptions state them where help should.
 */
import { COLOR_MODES } from "./fit-options.js";
import {
  PREDICT_DEFAULTS,
  PREDICT_DEVICES,
  PREDICT_FORMATS,
  PREDICT_INPUT_LAYOUTS,
  PREDICT_RUNTIMES,
} from "./predict-options.js";
import { formatSkipLimit } from "./skip-limit.js";

/** One option of a prediction. */
export interface PredictOptionSpec {
  /** The command-line flag, with its value's name: `--batch-size <n>`. */
  readonly flag: string;
  readonly description: string;
  /** Must be given (`--stats` or `--no-stats` is checked apart). */
  readonly required?: true;
}

const d = PREDICT_DEFAULTS;

/** The options of `predict` (and of a prediction's API request), in help order. */
export const PREDICT_OPTION_SPECS: readonly PredictOptionSpec[] = [
  {
    flag: "--model <file|folder|s3://…>",
    description: "an ONNX model (.onnx) or a TensorFlow.js model.json, or a folder holding one",
    required: true,
  },
  {
    flag: "--stats <artifact>",
    description:
      "the artifact (folder or s3:// prefix) whose statistics and decode settings to apply",
  },
  {
    flag: "--no-stats",
    description:
      "run the model on the decoded pixels (for models that normalize inside); see --rescale",
  },
  {
    flag: "--out <folder|s3://…>",
    description: "output folder: part-000042.<format> per shard, manifest.json last",
    required: true,
  },
  {
    flag: "--runtime <name>",
    description: `${PREDICT_RUNTIMES.join("|")} (default ${d.runtime}: by the model's format)`,
  },
  {
    flag: "--device <name>",
    description: `${PREDICT_DEVICES.join("|")}; auto falls back to the CPU with the reason (default ${d.device})`,
  },
  {
    flag: "--threads <n>",
    description:
      "intra-op threads of each ONNX Runtime session (default the cores over the sessions)",
  },
  {
    flag: "--sessions <n>",
    description:
      "ONNX Runtime sessions on worker threads, running batches side by side; 0: one on the main thread (default 2; 1 on one core or when two batches pass 64 MiB)",
  },
  {
    flag: "--input-layout <layout>",
    description: `${PREDICT_INPUT_LAYOUTS.join("|")} (default ${d.inputLayout}: from the model's input)`,
  },
  { flag: "--batch-size <n>", description: `images per model run (default ${d.batchSize})` },
  { flag: "--format <name>", description: `${PREDICT_FORMATS.join("|")} (default ${d.format})` },
  {
    flag: "--top-k <k>",
    description: "add the k best classes of the first output: top_k_index, top_k_score",
  },
  {
    flag: "--labels <file>",
    description: "class names, one a line, for --top-k (adds top_k_label)",
  },
  {
    flag: "--rescale <factor>",
    description: "with --no-stats: multiply the decoded pixels, e.g. 1/255",
  },
  {
    flag: "--resume",
    description: "continue the same run in --out: keep its parts that verify by sha256",
  },
  { flag: "--overwrite", description: "replace another run's files in --out" },
  {
    flag: "--on-error <policy>",
    description: `skip (list unusable files in manifest.json) | fail (default ${d.onError})`,
  },
  {
    flag: "--max-skipped <limit>",
    description: `fail when more images are skipped: a count or a fraction (default ${formatSkipLimit(d.maxSkipped)})`,
  },
  {
    flag: "--images-per-shard <n>",
    description: `images per shard, and so per part (default ${d.imagesPerShard})`,
  },
  {
    flag: "--backend <name>",
    description: `compute backend of the ZCA product (default ${d.backend})`,
  },
  { flag: "--follow-links", description: "enter symlinked folders of a local source" },
];

/** What predict's decode flags default to, as its help says. */
export const PREDICT_DECODE_DEFAULT_TEXT = `the artifact's; ${COLOR_MODES[0]}, no resize with --no-stats`;

/** The decode flags' paths in FIT_OPTION_SPECS, which predict shares. */
export const DECODE_OPTION_PATHS = [
  "decode.colorMode",
  "decode.targetSize",
  "decode.interpolation",
] as const;
