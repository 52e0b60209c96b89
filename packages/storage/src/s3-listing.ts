import {
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { compareKeys, type ObjectInfo } from "./object-store.js";

/** One ListObjectsV2 walk: which bucket, under which full-key prefix, from where. */
export interface S3ListRequest {
  readonly client: S3Client;
  readonly bucket: string;
  /** Full-key prefix to list ("" for the whole bucket). */
  readonly prefix: string;
  /** Full key to start after, or undefined. */
  readonly startAfter: string | undefined;
  /** Most objects to list. */
  readonly limit: number;
  /** Turns a full key into the key the caller sees. */
  readonly relativeKey: (fullKey: string) => string;
  /** The listed location as a URI, for messages. */
  readonly uri: string;
  /** Maps an SDK error into a FeaturewiseError. */
  readonly fail: (err: unknown) => Error;
  /** Pages asked for ahead of the one being consumed (at least 1). @defaultValue 1 */
  readonly pagesAhead?: number;
}

/**
 * Streams a listing page by page (1,000 keys a page). Pages come one
 * after another (each request needs the previous page's continuation
 * token), so the walk keeps going while the caller works: up to
 * `pagesAhead` pages beyond the one being consumed are asked for and held,
 * and a caller that stops for a while (a fit whose shards are all busy)
 * finds the next keys already listed when it asks again. Checks that keys
 * arrive in strictly increasing byte order, as S3 guarantees: a server that
 * breaks the order would make shard plans and fingerprints unreliable.
 */
export async function* listS3Objects(req: S3ListRequest): AsyncIterable<ObjectInfo> {
  const pages = new PageQueue(req);
  let previous: string | undefined = req.startAfter;
  try {
    for (let page = await pages.take(); page !== null; page = await pages.take()) {
      for (const obj of page.Contents ?? []) {
        const key = obj.Key;
        if (key === undefined) continue;
        if (previous !== undefined && compareKeys(key, previous) <= 0) {
          throw new FeaturewiseError(
            ErrorCodes.IO_ERROR,
            `cannot list ${req.uri}: the server listed ${JSON.stringify(key)} after ${JSON.stringify(previous)}, ` +
              "not in byte order as S3 does; featurewise needs ordered listings",
          );
        }
        previous = key;
        yield {
          key: req.relativeKey(key),
          size: obj.Size ?? 0,
          ...(obj.ETag === undefined ? {} : { etag: unquote(obj.ETag) }),
        };
      }
    }
  } finally {
    pages.stop();
  }
}

/**
 * The pages of one listing, asked for one at a time (continuation tokens),
 * as long as fewer than `pagesAhead` (at least 1) are waiting to be taken.
 */
class PageQueue {
  private readonly ready: ListObjectsV2CommandOutput[] = [];
  private fetching = false;
  private more = true;
  private stopped = false;
  private token: string | undefined = undefined;
  private requested = 0;
  private asked = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly req: S3ListRequest) {
    this.fill();
  }

  /** The next page, or null at the end of the listing. */
  async take(): Promise<ListObjectsV2CommandOutput | null> {
    while (this.ready.length === 0 && this.failure === null && (this.more || this.fetching)) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const page = this.ready.shift();
    if (page !== undefined) {
      this.fill();
      return page;
    }
    if (this.failure !== null) throw this.failure;
    return null;
  }

  /** Asks for no more pages (the caller stopped early). */
  stop(): void {
    this.stopped = true;
  }

  private fill(): void {
    const ahead = Math.max(1, this.req.pagesAhead ?? 1);
    if (this.fetching || !this.more || this.stopped || this.ready.length >= ahead) return;
    const maxKeys = Math.min(1000, this.req.limit - this.requested);
    this.requested += maxKeys;
    this.fetching = true;
    const first = this.asked++ === 0;
    void this.req.client
      .send(
        new ListObjectsV2Command({
          Bucket: this.req.bucket,
          Prefix: this.req.prefix === "" ? undefined : this.req.prefix,
          ContinuationToken: this.token,
          StartAfter: first ? this.req.startAfter : undefined,
          MaxKeys: maxKeys,
        }),
      )
      .then(
        (page) => {
          const token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
          if (page.IsTruncated === true && token === undefined) {
            throw new FeaturewiseError(
              ErrorCodes.IO_ERROR,
              `cannot list ${this.req.uri}: the server said the listing goes on but gave no continuation token`,
            );
          }
          this.token = token;
          this.more = token !== undefined && this.requested < this.req.limit;
          this.ready.push(page);
        },
        (err: unknown) => {
          throw this.req.fail(err);
        },
      )
      .catch((err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.more = false;
      })
      .finally(() => {
        this.fetching = false;
        this.wake?.();
        this.wake = null;
        this.fill();
      });
  }
}

/** An ETag without its surrounding quotes. */
export function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, "$1");
}
