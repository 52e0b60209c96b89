export * from "./errors.js";
export * from "./error-table.js";
export { PIXEL_SYRK_MAX_ROWS, type LinearAlgebra } from "./linalg/linear-algebra.js";
export { referenceAccumulateBatch } from "./reference-moments.js";
export {
  momentsFromSums,
  createMoments,
  mergeAll,
  mergeInto,
  mergePackedInto,
  type Moments,
  type PackedMoments,
  type MomentsKind,
} from "./moments.js";
export { coupleFlags, type FitFlags } from "./flags.js";
export {
  addImageSums,
  channelBroadcastShape,
  channelIndex,
  flatSize,
  imageDims,
  writeImageRow,
  type DataFormat,
  type ImageShape,
} from "./image-layout.js";
export { DEFAULT_ZCA_EPSILON, PROFILES, STD_EPSILON, type Profile } from "./profiles.js";
export { finalizeStatistics, type FinalizeOptions, type KerasStatistics } from "./finalize.js";
export { PixelStandardizer, standardizeBatch, type StandardizeParams } from "./standardize.js";
export * from "./artifact/index.js";
export * from "./codecs/index.js";
export * from "./linalg/index.js";
export { DEFAULT_FAN_IN, reduceTreeLevels, TreeMerger } from "./merge-tree.js";
export { FEATUREWISE_VERSION } from "./version.js";
export * from "./options/index.js";
