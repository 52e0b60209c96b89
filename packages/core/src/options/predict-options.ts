/**
 * What defines a prediction (`featurewise predict`), as the CLI and a later
 * HTTP API or cluster job take it, and its defaults: decided here, once.
 */
import type { DecodeSettings } from "../artifact/stats-document.js";
import type { OnError } from "./fit-options.js";
import { FIT_DEFAULTS } from "./fit-options.js";
import type { SkipLimit } from "./skip-limit.js";

/** Output formats of the prediction parts (`--format`). */
export const PREDICT_FORMATS = ["parquet", "npy", "jsonl"] as const;
/** Model runtimes a prediction may ask for (`--runtime`); `auto` picks by the model's format. */
export const PREDICT_RUNTIMES = ["auto", "onnx", "tfjs"] as const;
/** Devices (`--device`); `auto` falls back to the CPU with the reason. */
export const PREDICT_DEVICES = ["auto", "cpu", "cuda"] as const;
/** Input layouts (`--input-layout`); `auto` reads it from the model's input shape. */
export const PREDICT_INPUT_LAYOUTS = ["auto", "NHWC", "NCHW"] as const;
/** What `--resume`/`--overwrite` do with an `--out` that holds another run's parts. */
export const PREDICT_EXISTING = ["refuse", "resume", "overwrite"] as const;

/** Everything that defines a prediction. Defaults are {@link PREDICT_DEFAULTS}. */
export interface PredictOptions {
  /** Image source: a folder, an s3:// prefix or WebDataset tars. */
  readonly source: string;
  /** The model: a file (`model.onnx`, `model.json`), a folder holding one, or an s3:// key. */
  readonly model: string;
  /** A stats artifact to standardize with (folder or s3:// prefix), or null for `--no-stats`. */
  readonly stats: string | null;
  /** The output folder or s3:// prefix. */
  readonly out: string;
  /** @defaultValue "auto" */
  readonly runtime: (typeof PREDICT_RUNTIMES)[number];
  /** @defaultValue "auto" */
  readonly device: (typeof PREDICT_DEVICES)[number];
  /**
   * Intra-op threads of each ONNX Runtime session; null for the cores
   * divided among the sessions (bench/RESULTS.md). @defaultValue null
   */
  readonly threads: number | null;
  /**
   * ONNX Runtime CPU sessions (copies of the model), each on a worker thread
   * of its own, running batches side by side; 0 runs one session on the main
   * thread. null for 2 where there are 2 cores or more and two batches fit in
   * 64 MiB of float32 (each session holds its batch's activations), else 1.
   * Does not change the results. @defaultValue null
   */
  readonly sessions: number | null;
  /** @defaultValue "auto" */
  readonly inputLayout: (typeof PREDICT_INPUT_LAYOUTS)[number];
  /** Images run through the model at once. @defaultValue 64 (measured: docs/cli.md "featurewise predict") */
  readonly batchSize: number;
  /** @defaultValue "parquet" */
  readonly format: (typeof PREDICT_FORMATS)[number];
  /** Adds the k best classes of the first output to each row; null for none. @defaultValue null */
  readonly topK: number | null;
  /** A labels file (one class name a line) naming the top-k classes; null for none. @defaultValue null */
  readonly labels: string | null;
  /** Multiplier of the decoded pixels under `--no-stats` (the artifact's own applies otherwise). @defaultValue null */
  readonly rescale: number | null;
  /** Decode settings without an artifact (an artifact's own apply otherwise). @defaultValue DEFAULT_DECODE */
  readonly decode: DecodeSettings;
  /** What to do with an `--out` holding another run. @defaultValue "refuse" */
  readonly existing: (typeof PREDICT_EXISTING)[number];
  /** @defaultValue "skip" */
  readonly onError: OnError;
  /** @defaultValue 1% of the images read */
  readonly maxSkipped: SkipLimit;
  /** Images per shard, and so per part (the fit's shard plan). @defaultValue 1024 */
  readonly imagesPerShard: number;
  /** Compute backend of the standardization (ZCA's product). @defaultValue "auto" */
  readonly backend: string;
  /** Enter symlinked folders of a local source. @defaultValue false */
  readonly followLinks: boolean;
}

/** Every default of a prediction. */
export const PREDICT_DEFAULTS = Object.freeze({
  stats: null,
  runtime: "auto",
  device: "auto",
  threads: null,
  sessions: null,
  inputLayout: "auto",
  batchSize: 64,
  format: "parquet",
  topK: null,
  labels: null,
  rescale: null,
  decode: FIT_DEFAULTS.decode,
  existing: "refuse",
  onError: FIT_DEFAULTS.onError,
  maxSkipped: FIT_DEFAULTS.maxSkipped,
  imagesPerShard: FIT_DEFAULTS.imagesPerShard,
  backend: FIT_DEFAULTS.backend,
  followLinks: false,
} as const satisfies Omit<PredictOptions, "source" | "model" | "out">);
