/**
 * Everything S3 that a {@link Storage} shares between its stores: one SDK
 * client, its keep-alive agents and the direct GET path. Loaded on first use
 * of an s3:// store (the AWS SDK is large).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { ConcurrencyLimiter } from "./limiter.js";
import type { ObjectStore } from "./object-store.js";
import { createS3Agents, createS3Client } from "./s3-client.js";
import { DirectGet } from "./s3-direct-get.js";
import { S3Store } from "./s3-store.js";
import type { S3Settings } from "./storage-config.js";

/** The S3 client of one Storage and how to open its stores. */
export class S3Backend {
  private readonly client: S3Client;
  private readonly direct: DirectGet | null;

  constructor(
    private readonly settings: S3Settings,
    private readonly gets: ConcurrencyLimiter,
  ) {
    const agents = createS3Agents(settings);
    this.client = createS3Client(settings, agents);
    this.direct = settings.directGets ? new DirectGet(this.client, settings, agents) : null;
  }

  open(bucket: string, prefix: string): ObjectStore {
    return new S3Store(this.client, bucket, prefix, this.settings, this.gets, this.direct);
  }

  /** Closes pooled connections. */
  close(): void {
    this.client.destroy();
  }
}
