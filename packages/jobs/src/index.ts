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
// How every pipeline reads a shard's images (with withOpenShard from @featurewise/dataset).
export { ShardImages, type ShardImagesOptions, type UsableImage } from "./shard-images.js";
export { decodeOnThisThread, type Decoder, type DecodeStreamOptions } from "./decode-stream.js";
export {
  keysFileName,
  runTransform,
  type TransformOptions,
  type TransformResult,
} from "./transform.js";
export { ARTIFACT_LOCK_KEY, ArtifactLock, type ArtifactLockOptions } from "./artifact-lock.js";
export { checkFitOutput, checkTransformOutput } from "./output-checks.js";
// Cluster settings and URL checks are light; the cluster itself (BullMQ,
// ioredis) is under "@featurewise/jobs/cluster", loaded only by those who run one.
export {
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_RETRY,
  QUEUE_NAMES,
  QUEUE_PREFIX_PATTERN,
  type ClusterSettings,
  type QueueName,
  type RetrySettings,
} from "./cluster/cluster-settings.js";
export { parseRedisUrl, redactRedisUrl } from "./cluster/redis-url.js";
// The artifact and standardize road shared by transform and predict.
export {
  readArtifact,
  standardizeRows,
  standardizeToFloat32,
  type LoadedArtifact,
} from "./artifact-reader.js";
export { folderWalk, StreamingPlan } from "./fit-plan.js";
export { checkSkipped } from "./skip-limit-check.js";
