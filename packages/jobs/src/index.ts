export { BACKEND_NAMES, selectBackend, type SelectedBackend } from "./backends.js";
export { runEmbeddedFit, type FitResult } from "./embedded-fit.js";
export {
  DEFAULT_MAX_ZCA_BYTES,
  type FitOptions,
  type FitProgress,
  type OnError,
} from "./fit-options.js";
export { checkZcaSize, formatBytes, resolveImageShape } from "./fit-plan.js";
export { computeShardMoments, type ShardContext, type ShardResult } from "./shard-moments.js";
export { runTransform, type TransformOptions, type TransformResult } from "./transform.js";
export {
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_RETRY,
  QUEUE_NAMES,
  QUEUE_PREFIX_PATTERN,
  type ClusterSettings,
  type QueueName,
  type RetrySettings,
} from "./cluster/cluster-settings.js";
export { ClusterClient } from "./cluster/cluster-client.js";
export {
  startClusterWorker,
  type ClusterWorker,
  type ClusterWorkerOptions,
} from "./cluster/cluster-worker.js";
export { submitFit } from "./cluster/submit-fit.js";
export { watchFit, type WatchOptions, type WatchProgress } from "./cluster/watch-fit.js";
export { cancelFit, type CancelResult } from "./cluster/cancel-fit.js";
export { fitFailedError, readFitResult } from "./cluster/fit-outcome.js";
export { type FitFailure, type FitState, type FitStatus } from "./cluster/fit-state.js";
export { jobIds } from "./cluster/fit-names.js";
export { parseFaultPlan, type FaultPlan } from "./cluster/faults.js";
export { parseRedisUrl, redactRedisUrl } from "./cluster/redis-connection.js";
