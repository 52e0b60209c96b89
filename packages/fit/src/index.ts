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
// The fit's queues; the cluster itself (BullMQ, ioredis) is under
// "@featurewise/fit/cluster", loaded only by those who run one.
export { QUEUE_NAMES, type QueueName } from "./cluster/fit-queues.js";
