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
}

/**
 * Streams a listing page by page (1,000 keys a page), fetching the next
 * page while the caller works through the current one. Checks that keys
 * arrive in strictly increasing byte order, as S3 guarantees: a server that
 * breaks the order would make shard plans and fingerprints unreliable.
 */
export async function* listS3Objects(req: S3ListRequest): AsyncIterable<ObjectInfo> {
  let requested = 0;
  const fetchPage = (token: string | undefined): Promise<ListObjectsV2CommandOutput> => {
    const maxKeys = Math.min(1000, req.limit - requested);
    requested += maxKeys;
    return req.client
      .send(
        new ListObjectsV2Command({
          Bucket: req.bucket,
          Prefix: req.prefix === "" ? undefined : req.prefix,
          ContinuationToken: token,
          StartAfter: token === undefined ? req.startAfter : undefined,
          MaxKeys: maxKeys,
        }),
      )
      .catch((err: unknown) => {
        throw req.fail(err);
      });
  };
  let previous: string | undefined = req.startAfter;
  let next: Promise<ListObjectsV2CommandOutput> | null = fetchPage(undefined);
  while (next !== null) {
    const page: ListObjectsV2CommandOutput = await next;
    const token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    if (page.IsTruncated === true && token === undefined) {
      throw new FeaturewiseError(
        ErrorCodes.IO_ERROR,
        `cannot list ${req.uri}: the server said the listing goes on but gave no continuation token`,
      );
    }
    next = token === undefined || requested >= req.limit ? null : fetchPage(token);
    // Keep a rejected prefetch from being reported as unhandled if we stop early.
    next?.catch(() => {});
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
}

/** An ETag without its surrounding quotes. */
export function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, "$1");
}
