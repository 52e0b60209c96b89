export * from "./stats-document.js";
export { parseStatsDocument } from "./parse-stats.js";
export { documentImageShape, encodeArtifact, loadStandardizeParams } from "./artifact-files.js";
