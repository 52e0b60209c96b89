export {
  unreadableError,
  type ImageSource,
  type OpenShard,
  type ReadShardOptions,
  type ShardEntry,
  type SourceItem,
} from "./source/image-source.js";
export { StoreSource } from "./source/store-source.js";
export { withOpenShard } from "./source/with-open-shard.js";
export { FolderSource } from "./source/folder-source.js";
export { PrefixSource } from "./source/prefix-source.js";
export { TarSource } from "./source/tar-source.js";
export { ListingFingerprint } from "./source/fingerprint.js";
export { openSource } from "./source/open-source.js";
export { expandBraces, MAX_BRACE_EXPANSION } from "./source/brace-expand.js";
export {
  DEFAULT_MAX_IMAGE_BYTES,
  readTarMembers,
  type TarMember,
  type TarReadOptions,
} from "./source/tar-reader.js";
export { encodeTar, type TarInput } from "./source/tar-writer.js";
export {
  IMAGE_EXTENSIONS,
  imageRank,
  readWebDatasetSamples,
  splitSampleKey,
  type WebDatasetSample,
} from "./source/webdataset.js";
export { readAhead } from "./source/read-ahead.js";
export {
  DEFAULT_IMAGES_PER_SHARD,
  planRangeShards,
  shardId,
  withoutItems,
  type RangeShardSpec,
  type Shard,
  type ShardPlanOptions,
  type ShardSpec,
  type TarShardSpec,
} from "./source/shards.js";
export {
  syntheticKey,
  syntheticPixels,
  writeSyntheticImages,
  type SyntheticImagesOptions,
} from "./synthetic.js";
export * from "./decode/index.js";
