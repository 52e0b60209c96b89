/**
 * The predict run on the cluster: its job kinds (for `jobModules`), and
 * submitting, watching and cancelling a run. The plumbing (queues, workers,
 * the job-kind registry, run records) is `@featurewise/queue`'s.
 */
export * from "./client.js";
export { PREDICT_JOB_MODULE } from "./predict-job-kinds.js";
export { ModelCache, type CachedModel } from "./model-cache.js";
export { predictWorkerOptions } from "./part-runtime.js";
export {
  PREDICT_QUEUE_NAMES,
  PREDICT_WORKER_DEFAULTS,
  type PredictWorkerOptions,
} from "./predict-names.js";
