export {
  compareKeys,
  type ListOptions,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
} from "./object-store.js";
export { formatLocation, joinKey, parentLocation, parseLocation, type Location } from "./uri.js";
export { isStagingFile, LocalStore } from "./local-store.js";
export { FolderWalk, type FolderWalkOptions } from "./folder-walk.js";
export { isTransientError, toStoreError, type RequestTarget } from "./s3-errors.js";
export { ConcurrencyLimiter } from "./limiter.js";
export { openStore, Storage } from "./open-store.js";
export {
  DEFAULT_STORAGE_CONFIG,
  readStorageConfig,
  type Environment,
  type S3Settings,
  type StorageConfig,
} from "./storage-config.js";
