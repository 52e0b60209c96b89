/**
 * The submitting side of the predict run on the cluster (`predict --redis`,
 * `status`, `cancel`, an HTTP API): Redis, the run records and BullMQ's
 * `Queue` alone, without the worker side or the model runtimes, so that a
 * CLI that submits a run starts quickly. `@featurewise/predict/cluster`
 * exports all of this and the job kinds.
 */
export { PredictClient } from "./predict-client.js";
export { PREDICT_QUEUE_NAMES, PREDICT_QUEUES, predictJobIds } from "./predict-names.js";
export { submitPredict } from "./submit-predict.js";
export {
  watchPredict,
  type PredictWatchOptions,
  type PredictWatchProgress,
} from "./watch-predict.js";
export { cancelPredict, type CancelPredictResult } from "./cancel-predict.js";
export {
  predictFailedError,
  readPredictResult,
  unknownPredictError,
  type PredictRunResult,
} from "./predict-outcome.js";
export type { PredictState, PredictStatus } from "./predict-state.js";
