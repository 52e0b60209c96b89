import type { S3Client } from "@aws-sdk/client-s3";
import { ConcurrencyLimiter } from "./limiter.js";
import { LocalStore } from "./local-store.js";
import type { ObjectStore } from "./object-store.js";
import { createS3Agents, createS3Client } from "./s3-client.js";
import { DirectGet } from "./s3-direct-get.js";
import { S3Store } from "./s3-store.js";
import { DEFAULT_STORAGE_CONFIG, type StorageConfig } from "./storage-config.js";
import { parseLocation } from "./uri.js";

/**
 * Opens object stores for URIs under one storage configuration, sharing
 * one S3 client (and its connection pool) and one bound on GETs in flight
 * (`maxConcurrentGets`) between them. Whole-object reads skip the SDK's
 * request machinery unless `directGets` is off (see {@link DirectGet}).
 */
export class Storage {
  private client: S3Client | null = null;
  private direct: DirectGet | null = null;
  private readonly gets: ConcurrencyLimiter;

  constructor(readonly config: StorageConfig = DEFAULT_STORAGE_CONFIG) {
    this.gets = new ConcurrencyLimiter(config.s3.maxConcurrentGets);
  }

  /** The store rooted at `uri`: a local path, a file:// URI, or s3://bucket/prefix. */
  open(uri: string): ObjectStore {
    const loc = parseLocation(uri);
    if (loc.scheme === "file") return new LocalStore(loc.path);
    if (this.client === null) {
      const agents = createS3Agents(this.config.s3);
      this.client = createS3Client(this.config.s3, agents);
      this.direct = this.config.s3.directGets
        ? new DirectGet(this.client, this.config.s3, agents)
        : null;
    }
    return new S3Store(this.client, loc.bucket, loc.key, this.config.s3, this.gets, this.direct);
  }

  /** Closes pooled connections; stores opened before must not be used afterwards. */
  close(): void {
    this.client?.destroy();
    this.client = null;
    this.direct = null;
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
