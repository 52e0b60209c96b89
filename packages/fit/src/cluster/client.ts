/**
 * The submitting side of the cluster (`fit`, `status` and `cancel`):
 * Redis, the fit records and the coordinator queue, without the worker side
 * (workers, flows, sandboxes), so that a CLI that submits a fit starts
 * quickly. `@featurewise/fit/cluster` exports all of this and the worker.
 */
export { FitClient } from "./fit-client.js";
export { QUEUE_NAMES, type QueueName } from "./fit-queues.js";
export { submitFit } from "./submit-fit.js";
export { watchFit, type WatchOptions, type WatchProgress } from "./watch-fit.js";
export { cancelFit, type CancelResult } from "./cancel-fit.js";
export { fitFailedError, readFitResult, unknownFitError } from "./fit-outcome.js";
export { type FitFailure, type FitState, type FitStatus } from "./fit-state.js";
export { jobIds } from "./fit-names.js";
