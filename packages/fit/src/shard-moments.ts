import type {
  DataFormat,
  DecodeSettings,
  ImageShape,
  LinearAlgebra,
  Moments,
  MomentsKind,
  SkippedItem,
} from "@featurewise/core";
import { collectEvery, type ImageSource, type OpenShard } from "@featurewise/dataset";
import { BatchAccumulator } from "./batch-accumulator.js";
import { type BufferPool, type DecodeStreamOptions, ShardImages } from "@featurewise/pipeline";
import type { OnError } from "./fit-options.js";

/** Keeps this thread's RSS flat however many images pass (see collectEvery). */
const steady = collectEvery(2000);

/** What one shard's worker needs besides the shard itself. */
export interface ShardContext {
  /** The shard's source, to name inputs in messages. */
  readonly source: Pick<ImageSource, "uriOf">;
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
 * `onError: "fail"` with the key named (see {@link ShardImages}).
 */
export async function computeShardMoments(
  shard: OpenShard,
  ctx: ShardContext,
): Promise<ShardResult> {
  const batches = new BatchAccumulator(
    ctx.kind,
    ctx.imageShape,
    ctx.dataFormat,
    ctx.la,
    ctx.batchSize,
    ctx.buffers,
  );
  const images = new ShardImages(shard, {
    ...ctx,
    onSkip: () => {
      steady();
      ctx.onImage?.(true);
    },
  });
  for await (const { image } of images) {
    steady();
    await batches.add(image.data);
    ctx.onImage?.(false);
  }
  return { moments: await batches.moments(), skipped: images.skipped };
}
