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
