import {
  ErrorCodes,
  FeaturewiseError,
  type DataFormat,
  type ErrorCode,
  type DecodeSettings,
  type ImageShape,
  type LinearAlgebra,
  type Moments,
  type MomentsKind,
  type SkippedItem,
} from "@featurewise/core";
import {
  collectEvery,
  type DecodedImage,
  type ImageSource,
  type Shard,
} from "@featurewise/dataset";
import { BatchAccumulator } from "./batch-accumulator.js";
import type { BufferPool } from "./buffer-pool.js";
import { decodeInOrder, type DecodeResult, type DecodeStreamOptions } from "./decode-stream.js";
import type { OnError } from "./fit-options.js";

/** Keeps this thread's RSS flat however many images pass (see collectEvery). */
const steady = collectEvery(2000);

/** What one shard's worker needs besides the shard itself. */
export interface ShardContext {
  readonly source: ImageSource;
  readonly decode: DecodeSettings;
  readonly dataFormat: DataFormat;
  /** Every image must have this shape; others are skipped or fail the fit. */
  readonly imageShape: ImageShape;
  readonly kind: MomentsKind;
  readonly onError: OnError;
  readonly la: LinearAlgebra;
  /** Images per SYRK batch. @defaultValue 256 */
  readonly batchSize?: number;
  /** How inputs are read and decoded (batching, decoder pool). */
  readonly stream?: DecodeStreamOptions;
  /** Where the shard's accumulator comes from (reused buffers). @defaultValue fresh memory */
  readonly buffers?: BufferPool;
  /** Called after each image (used or skipped). */
  readonly onImage?: (skipped: boolean) => void;
}

/** A shard's partial moments and the inputs it could not use. */
export interface ShardResult {
  readonly moments: Moments;
  readonly skipped: SkippedItem[];
}

/**
 * Decodes a shard's images in order and accumulates their moments batch by
 * batch. Unusable images are skipped with a reason, or fail the shard under
 * `onError: "fail"` with the key named.
 */
export async function computeShardMoments(shard: Shard, ctx: ShardContext): Promise<ShardResult> {
  const batches = new BatchAccumulator(
    ctx.kind,
    ctx.imageShape,
    ctx.dataFormat,
    ctx.la,
    ctx.batchSize,
    ctx.buffers,
  );
  const skipped: SkippedItem[] = [];
  for await (const result of decodeInOrder(shard.items, ctx.source, ctx.decode, ctx.stream)) {
    steady();
    const problem = unusable(result, ctx.imageShape);
    if (problem !== null) {
      if (ctx.onError === "fail") {
        throw new FeaturewiseError(
          problem.code,
          `${ctx.source.uriOf(result.item.key)}: ${problem.reason}`,
        );
      }
      skipped.push({ key: result.item.key, reason: problem.reason });
      ctx.onImage?.(true);
      continue;
    }
    await batches.add((result as { image: DecodedImage }).image.data);
    ctx.onImage?.(false);
  }
  return { moments: await batches.moments(), skipped };
}

/**
 * Why a decoded input cannot be used for statistics of `shape` images, with
 * the error code that names it, or null when it can.
 */
export function unusable(
  result: DecodeResult,
  shape: ImageShape,
): { reason: string; code: ErrorCode } | null {
  if ("error" in result) {
    const code = (result.error as { code?: ErrorCode }).code ?? ErrorCodes.DECODE_FAILED;
    return { reason: result.error.message, code };
  }
  const { height, width, channels } = result.image;
  if (height === shape.height && width === shape.width && channels === shape.channels) return null;
  const reason = `image is ${describeShape(result.image)}, expected ${describeShape(shape)} (pass --size to resize)`;
  return { reason, code: ErrorCodes.SHAPE_MISMATCH };
}

/** "HxWxC", as messages show shapes. */
export function describeShape(s: { height: number; width: number; channels: number }): string {
  return `${s.height}x${s.width}x${s.channels}`;
}
