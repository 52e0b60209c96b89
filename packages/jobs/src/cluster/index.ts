/** The cluster executor: BullMQ queues on Redis, worker processes, fit submission and status. */
export { ClusterClient } from "./cluster-client.js";
export {
  startClusterWorker,
  type ClusterWorker,
  type ClusterWorkerOptions,
} from "./cluster-worker.js";
export { submitFit } from "./submit-fit.js";
export { watchFit, type WatchOptions, type WatchProgress } from "./watch-fit.js";
export { cancelFit, type CancelResult } from "./cancel-fit.js";
export { fitFailedError, readFitResult } from "./fit-outcome.js";
export { type FitFailure, type FitState, type FitStatus } from "./fit-state.js";
export { jobIds } from "./fit-names.js";
export { parseFaultPlan, type FaultPlan } from "./faults.js";
