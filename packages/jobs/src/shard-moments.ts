import {
  accumulateBatch,
  createMoments,
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  writeImageRow,
  type DataFormat,
  type DecodeSettings,
  type ImageShape,
  type LinearAlgebra,
  type Moments,
  type MomentsKind,
  type SkippedItem,
} from "@featurewise/core";
import type { ImageSource, Shard } from "@featurewise/dataset";
import { decodeInOrder, type Decoder } from "./decode-stream.js";
import type { OnError } from "./fit-options.js";

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
  /** Decodes in flight. @defaultValue 8 */
  readonly concurrency?: number;
  /** How bytes become pixels. @defaultValue decodeImage on this thread */
  readonly decoder?: Decoder;
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
  const dim = flatSize(ctx.imageShape);
  const batchSize = ctx.batchSize ?? 256;
  const moments = createMoments(ctx.kind, dim);
  const skipped: SkippedItem[] = [];
  const batch = new Float64Array(batchSize * dim);
  let rows = 0;
  const expected = describeShape(ctx.imageShape);
  for await (const result of decodeInOrder(
    shard.items,
    ctx.source,
    ctx.decode,
    ctx.concurrency ?? 8,
    ctx.decoder,
  )) {
    const key = result.item.key;
    let reason: string | null = null;
    if ("error" in result) {
      reason = result.error.message;
    } else if (describeShape(result.image) !== expected) {
      reason = `image is ${describeShape(result.image)}, expected ${expected} (pass --size to resize)`;
    }
    if (reason !== null) {
      if (ctx.onError === "fail") {
        const code = "error" in result ? ErrorCodes.DECODE_FAILED : ErrorCodes.SHAPE_MISMATCH;
        throw new FeaturewiseError(code, `${ctx.source.uri}/${key}: ${reason}`);
      }
      skipped.push({ key, reason });
      ctx.onImage?.(true);
      continue;
    }
    if ("image" in result)
      writeImageRow(result.image.data, ctx.imageShape, ctx.dataFormat, batch, rows * dim);
    rows++;
    if (rows === batchSize) {
      await accumulateBatch(moments, batch, rows, ctx.la);
      rows = 0;
    }
    ctx.onImage?.(false);
  }
  await accumulateBatch(moments, batch, rows, ctx.la);
  return { moments, skipped };
}

/** "HxWxC", as messages show shapes. */
export function describeShape(s: { height: number; width: number; channels: number }): string {
  return `${s.height}x${s.width}x${s.channels}`;
}
