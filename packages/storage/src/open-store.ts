import { DeferredStore } from "./deferred-store.js";
import { ConcurrencyLimiter } from "./limiter.js";
import { LocalStore } from "./local-store.js";
import type { ObjectStore } from "./object-store.js";
import type { S3Backend } from "./s3-backend.js";
import { DEFAULT_STORAGE_CONFIG, type StorageConfig } from "./storage-config.js";
import { parseLocation, S3Folder } from "./uri.js";

/**
 * Opens object stores for URIs under one storage configuration, sharing
 * one S3 client (and its connection pool) and one bound on GETs in flight
 * (`maxConcurrentGets`) between them. Whole-object reads skip the SDK's
 * request machinery unless `directGets` is off (see `DirectGet`). The S3
 * side, AWS SDK included, is loaded when an s3:// store is first used.
 */
export class Storage {
  private s3: Promise<S3Backend> | null = null;
  private readonly gets: ConcurrencyLimiter;

  constructor(readonly config: StorageConfig = DEFAULT_STORAGE_CONFIG) {
    this.gets = new ConcurrencyLimiter(config.s3.maxConcurrentGets);
  }

  /** The store rooted at `uri`: a local path, a file:// URI, or s3://bucket/prefix. */
  open(uri: string): ObjectStore {
    const loc = parseLocation(uri);
    if (loc.scheme === "file") return new LocalStore(loc.path);
    const folder = new S3Folder(loc.bucket, loc.key);
    return new DeferredStore(folder, async () => (await this.backend()).open(loc.bucket, loc.key));
  }

  /** Closes pooled connections; stores opened before must not be used afterwards. */
  close(): void {
    void this.s3?.then((b) => b.close());
    this.s3 = null;
  }

  private backend(): Promise<S3Backend> {
    this.s3 ??= import("./s3-backend.js").then((m) => new m.S3Backend(this.config.s3, this.gets));
    return this.s3;
  }
}

let defaultStorage: Storage | null = null;

/**
 * Opens the object store rooted at `uri` (a local path, file:// or s3://
 * URI). S3 stores use `storage`'s configuration and client; without one,
 * a process-wide Storage of the default configuration (AWS itself, the
 * SDK's region and credential chains) is used.
 */
export function openStore(uri: string, storage?: Storage): ObjectStore {
  return (storage ?? (defaultStorage ??= new Storage())).open(uri);
}
