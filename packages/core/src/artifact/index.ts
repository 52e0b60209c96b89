export * from "./stats-document.js";
export { MAX_IMAGE_VALUES, MAX_WHITENING_ENTRIES, parseStatsDocument } from "./parse-stats.js";
export {
  documentImageShape,
  encodeArtifact,
  loadStandardizeParams,
  readVerifiedFile,
} from "./artifact-files.js";
export { sha256Hex } from "./sha256.js";
