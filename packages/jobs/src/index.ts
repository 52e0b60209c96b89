export { runEmbeddedFit, type FitResult } from "./embedded-fit.js";
export {
  DEFAULT_MAX_ZCA_BYTES,
  type FitOptions,
  type FitProgress,
  type OnError,
} from "./fit-options.js";
export {
  checkZcaSize,
  FitPlan,
  formatBytes,
  momentsKindOf,
  type FitPlanOptions,
} from "./fit-plan.js";
export { computeShardMoments, type ShardContext, type ShardResult } from "./shard-moments.js";
// Cluster settings and URL checks are light; the cluster itself (BullMQ,
// ioredis) is under "@featurewise/jobs/cluster", loaded only by those who run one.
export {
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_RETRY,
  QUEUE_PREFIX_PATTERN,
  type ClusterSettings,
  type RetrySettings,
  parseRedisUrl,
  redactRedisUrl,
} from "@featurewise/queue/settings";
export { QUEUE_NAMES, type QueueName } from "./cluster/fit-queues.js";
