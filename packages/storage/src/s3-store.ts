import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ConcurrencyLimiter } from "./limiter.js";
import type { ListOptions, ObjectBody, ObjectInfo, ObjectStore } from "./object-store.js";
import type { DirectGet } from "./s3-direct-get.js";
import { listS3Objects, unquote } from "./s3-listing.js";
import { streamS3Object } from "./s3-object-stream.js";
import { httpStatusOf, toStoreError } from "./s3-errors.js";
import type { S3Settings } from "./storage-config.js";
import { joinKey, S3Folder } from "./uri.js";

/**
 * An object store over an S3 bucket and key prefix (the prefix acts as a
 * folder: keys are relative to `prefix/`). GETs in flight are bounded by
 * a {@link ConcurrencyLimiter}; requests are retried by the SDK and broken
 * bodies resumed by {@link streamS3Object}. Whole-object reads go through
 * a {@link DirectGet} when one is given (same retries, less CPU).
 */
export class S3Store implements ObjectStore {
  readonly root: string;
  private readonly base: string;
  private readonly folder: S3Folder;

  /**
   * @param limiter - bounds the GETs in flight; share one between stores on
   *   the same client. @defaultValue one of `settings.maxConcurrentGets` for this store
   * @param direct - reads whole objects without the SDK's request
   *   machinery (see {@link DirectGet}). @defaultValue none: every GET through the SDK
   */
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    prefix: string,
    private readonly settings: S3Settings,
    private readonly limiter = new ConcurrencyLimiter(settings.maxConcurrentGets),
    private readonly direct: DirectGet | null = null,
  ) {
    this.folder = new S3Folder(bucket, prefix);
    this.base = this.folder.base;
    this.root = this.folder.root;
  }

  uriOf(key: string): string {
    return this.folder.uriOf(key);
  }

  async get(key: string): Promise<Uint8Array> {
    if (this.direct !== null) {
      const bytes = await this.direct.get(this.bucket, this.base + key, this.limiter, (err) =>
        this.error("read", key, err),
      );
      if (bytes !== null) return bytes;
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.getStream(key)) chunks.push(chunk);
    return chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks));
  }

  getStream(key: string): AsyncIterable<Uint8Array> {
    return streamS3Object({
      client: this.client,
      bucket: this.bucket,
      key: this.base + key,
      limiter: this.limiter,
      attempts: this.settings.bodyAttempts,
      baseDelayMs: this.settings.retryBaseDelayMs,
      fail: (err) => this.error("read", key, err),
    });
  }

  async put(key: string, body: ObjectBody): Promise<void> {
    const target = { Bucket: this.bucket, Key: this.base + key };
    try {
      if (body instanceof Uint8Array && body.length < this.settings.multipartPartBytes) {
        await this.client.send(
          new PutObjectCommand({ ...target, Body: body, ContentLength: body.length }),
        );
        return;
      }
      const upload = new Upload({
        client: this.client,
        params: {
          ...target,
          Body:
            body instanceof Uint8Array
              ? Buffer.from(body.buffer, body.byteOffset, body.length)
              : Readable.from(body),
        },
        partSize: this.settings.multipartPartBytes,
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
    } catch (err) {
      throw this.error("write", key, err);
    }
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.base + key,
          Body: body,
          ContentLength: body.length,
          IfNoneMatch: "*",
        }),
      );
      return true;
    } catch (err) {
      // 412: the object exists; 409: a conditional write to it is in flight.
      const status = httpStatusOf(err);
      if (status === 412 || status === 409) return false;
      throw this.error("write", key, err);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.base + key }),
      );
      return {
        key,
        size: res.ContentLength ?? 0,
        ...(res.ETag === undefined ? {} : { etag: unquote(res.ETag) }),
      };
    } catch (err) {
      if (httpStatusOf(err) === 404 && (err as Error).name !== "NoSuchBucket") return null;
      throw this.error("stat", key, err);
    }
  }

  list(prefix = "", options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const folder = joinKey(prefix);
    const full = folder === "" ? this.base : `${this.base}${folder}/`;
    return listS3Objects({
      client: this.client,
      bucket: this.bucket,
      prefix: full,
      startAfter: options.startAfter === undefined ? undefined : this.base + options.startAfter,
      limit: options.limit ?? Infinity,
      pagesAhead: this.settings.listPagesAhead,
      relativeKey: (k) => k.slice(this.base.length),
      uri: this.uriOf(folder === "" ? "" : `${folder}/`),
      fail: (err) => this.error("list", folder === "" ? "" : `${folder}/`, err),
    });
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: this.base + key }),
      );
    } catch (err) {
      if (httpStatusOf(err) === 404 && (err as Error).name !== "NoSuchBucket") return;
      throw this.error("delete", key, err);
    }
  }

  private error(op: string, key: string, err: unknown): Error {
    return toStoreError(err, {
      op,
      uri: this.uriOf(key),
      bucket: this.bucket,
      endpoint: this.settings.endpoint,
    });
  }
}
