/**
 * The road every pipeline over images travels (the fit, transform, and
 * predict): plan the source's shards as it is listed, read a shard's usable
 * images, decode them in order, run shards on a pool, pick a compute
 * backend, check and lock the output, write its parts.
 */
export {
  folderWalk,
  resolveImageShape,
  SHAPE_SAMPLE_SIZE,
  StreamingPlan,
  type StreamingPlanOptions,
} from "./streaming-plan.js";
// How every pipeline reads a shard's images (with withOpenShard from @featurewise/dataset).
export {
  describeShape,
  ShardImages,
  type ShardImagesOptions,
  type UsableImage,
} from "./shard-images.js";
export {
  decodeInOrder,
  decodeOnThisThread,
  type DecodeResult,
  type Decoder,
  type DecodeStreamOptions,
  type ItemReader,
} from "./decode-stream.js";
export { runInOrder } from "./ordered-pool.js";
export { BufferPool } from "./buffer-pool.js";
export { BACKEND_NAMES, LoadedBackends, selectBackend, type SelectedBackend } from "./backends.js";
export { checkFitOutput, checkTransformOutput } from "./output-checks.js";
export { ARTIFACT_LOCK_KEY, ArtifactLock, type ArtifactLockOptions } from "./artifact-lock.js";
export { putParts } from "./put-parts.js";
export {
  keysFileName,
  runTransform,
  type TransformOptions,
  type TransformResult,
} from "./transform.js";
// The artifact and standardize road shared by transform and predict.
export {
  readArtifact,
  standardizeRows,
  standardizeToFloat32,
  type LoadedArtifact,
} from "./artifact-reader.js";
// The end-of-run check on what was skipped (fit and predict).
export { checkSkipped } from "./skip-limit-check.js";
