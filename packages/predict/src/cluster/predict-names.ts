/**
 * The predict run on the cluster: its queues, and the deterministic ids of
 * its jobs. A predict run's id starts with `predict-` (a fit's with `fit-`),
 * so `status` and `cancel` tell them apart. A retried or re-added job has
 * the same id, and writes the same part to the same keys.
 */

/** The queues of a predict run: planning, one job per part, the manifest. */
export const PREDICT_QUEUES = {
  plan: "predict-plan",
  part: "predict",
  manifest: "predict-manifest",
} as const;

/** Every predict queue, in the order a run passes through them. */
export const PREDICT_QUEUE_NAMES = [
  PREDICT_QUEUES.plan,
  PREDICT_QUEUES.part,
  PREDICT_QUEUES.manifest,
] as const;

/** Valid predict run ids: they become parts of job ids. */
export const PREDICT_ID_PATTERN = /^predict-[A-Za-z0-9_-]{1,72}$/;

/** Job ids of a predict run's jobs. */
export const predictJobIds = {
  plan: (predictId: string): string => `${predictId}-plan`,
  part: (predictId: string, index: number): string => `${predictId}-part-${index}`,
  manifest: (predictId: string): string => `${predictId}-manifest`,
};

/** A predict worker's own settings (`featurewise worker --device … --threads … --model-cache …`). */
export interface PredictWorkerOptions {
  /** Device for runs that ask for `auto`. @defaultValue "auto" */
  readonly device: "auto" | "cpu" | "cuda";
  /** ONNX Runtime intra-op threads for runs that do not say. @defaultValue 1 */
  readonly threads: number;
  /** Bound of the model cache, in bytes of model files. @defaultValue 2 GiB */
  readonly modelCacheBytes: number;
}

/** The defaults of {@link PredictWorkerOptions}. */
export const PREDICT_WORKER_DEFAULTS: PredictWorkerOptions = Object.freeze({
  device: "auto",
  threads: 1,
  modelCacheBytes: 2 * 1024 ** 3,
});
