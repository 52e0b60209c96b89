export type { ImageSource, SourceItem } from "./source/image-source.js";
export { FolderSource } from "./source/folder-source.js";
export { ListingFingerprint } from "./source/fingerprint.js";
export { openSource } from "./source/open-source.js";
export {
  DEFAULT_IMAGES_PER_SHARD,
  planShards,
  type Shard,
  type ShardPlanOptions,
} from "./source/shards.js";
export {
  syntheticKey,
  syntheticPixels,
  writeSyntheticImages,
  type SyntheticImagesOptions,
} from "./synthetic.js";
export * from "./decode/index.js";
