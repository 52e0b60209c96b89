import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { isTransientError } from "./s3-errors.js";
import type { ConcurrencyLimiter } from "./limiter.js";

/** One object to stream and how hard to try. */
export interface S3ObjectRead {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly limiter: ConcurrencyLimiter;
  /** Attempts at reading the body; each resumes where the last one stopped. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  /** Maps a failure into the error the caller sees. */
  readonly fail: (err: unknown) => Error;
}

/** A body that broke off, or ended short of its Content-Length. */
class BodyReadError extends Error {
  override readonly name = "BodyReadError";
}

/**
 * Streams one object. The request itself is retried by the SDK; when the
 * body breaks off (connection reset, idle timeout, short body) the read
 * resumes with a Range request from the last byte received, pinned to the
 * first response's ETag, up to `attempts` times with backoff. Holds one
 * slot of `limiter` while streaming.
 */
export async function* streamS3Object(r: S3ObjectRead): AsyncIterable<Uint8Array> {
  const release = await r.limiter.acquire();
  let body: Readable | undefined;
  try {
    let offset = 0;
    let total: number | undefined;
    let etag: string | undefined;
    for (let attempt = 1; ; attempt++) {
      let res: GetObjectCommandOutput;
      try {
        res = await r.client.send(
          new GetObjectCommand({
            Bucket: r.bucket,
            Key: r.key,
            ...(offset > 0 ? { Range: `bytes=${offset}-`, IfMatch: etag } : {}),
          }),
        );
      } catch (err) {
        throw r.fail(err);
      }
      if (total === undefined) {
        total = res.ContentLength;
        etag = res.ETag;
      }
      body = res.Body as Readable | undefined;
      try {
        if (body !== undefined) {
          for await (const chunk of body as AsyncIterable<Uint8Array>) {
            offset += chunk.length;
            yield chunk;
          }
        }
        if (total !== undefined && offset !== total) {
          throw new BodyReadError(`the body ended after ${offset} of ${total} bytes`);
        }
        return;
      } catch (err) {
        const bodyFailure = err instanceof BodyReadError || isTransientError(err);
        if (!bodyFailure || attempt >= r.attempts) throw r.fail(err);
        body?.destroy();
        await sleep(Math.random() * Math.min(5_000, r.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  } finally {
    body?.destroy();
    release();
  }
}
