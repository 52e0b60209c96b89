/**
 * One shard through the model: its usable images in key order (decoded on
 * the pool's threads), standardized batch by batch through the same code as
 * `transform`, run through the model while the next batch is decoded, and
 * collected into one part.
 */
import {
  PixelStandardizer,
  writeImageRow,
  type DataFormat,
  type DecodeSettings,
  type ImageShape,
  type LinearAlgebra,
  type OnError,
  type SkippedItem,
  type StandardizeParams,
} from "@featurewise/core";
import type { ImageSource, OpenShard } from "@featurewise/dataset";
import { ShardImages, standardizeToFloat32, type DecodeStreamOptions } from "@featurewise/pipeline";
import { PartAssembler, type PartAssemblerOptions } from "../output/part-assembler.js";
import type { PredictionPart } from "../output/prediction-part.js";
import type { ResolvedInput } from "../model-input.js";
import type { LoadedModel } from "../runtime.js";
import type { BatchGate } from "./batch-gate.js";
import type { BatchTensors } from "./batch-tensors.js";

/** A batch exactly as the model receives it (for tests that compare it with `transform`). */
export interface ModelBatch {
  readonly part: number;
  readonly keys: readonly string[];
  /** float32 values of `dims`, row-major. */
  readonly tensor: Float32Array;
  readonly dims: readonly number[];
}

/** What every shard of a prediction shares. */
export interface ShardPredictorContext {
  readonly source: Pick<ImageSource, "uriOf">;
  readonly decode: DecodeSettings;
  readonly imageShape: ImageShape;
  readonly onError: OnError;
  readonly stream: DecodeStreamOptions;
  readonly model: LoadedModel;
  readonly input: ResolvedInput;
  /** The artifact's statistics, in the model's layout; null runs on decoded pixels. */
  readonly params: StandardizeParams | null;
  /** The order rows are written in: the model's layout. */
  readonly rowFormat: DataFormat;
  readonly la: LinearAlgebra;
  readonly batchSize: number;
  /** Batches in the model at once, shared by the shards that run side by side. */
  readonly gate: BatchGate;
  /** Reused batch buffers of `batchSize` rows. */
  readonly tensors: BatchTensors;
  readonly assembler: PartAssemblerOptions;
  /** Called for each image, used or skipped. */
  readonly onImage?: (skipped: boolean) => void;
  /** Called with each batch before the model runs it. */
  readonly onBatch?: (batch: ModelBatch) => void;
}

/** A shard's predicted part and the inputs it could not use. */
export interface ShardPrediction {
  readonly part: PredictionPart;
  readonly skipped: readonly SkippedItem[];
}

/** Predicts one open shard; its part's number is `index` (the shard's place in the plan). */
export async function predictShard(
  shard: OpenShard,
  index: number,
  ctx: ShardPredictorContext,
): Promise<ShardPrediction> {
  const dim = ctx.imageShape.height * ctx.imageShape.width * ctx.imageShape.channels;
  const assembler = new PartAssembler(
    index,
    ctx.model.outputs.map((o) => o.name),
    { ...ctx.assembler, rowShapes: statedRowShapes(ctx.model) },
  );
  const images = new ShardImages(shard, {
    source: ctx.source,
    decode: ctx.decode,
    imageShape: ctx.imageShape,
    onError: ctx.onError,
    stream: ctx.stream,
    onSkip: () => ctx.onImage?.(true),
  });
  // Without ZCA each image goes from its pixels straight to its float32 row;
  // ZCA needs the float64 rows of the whole batch for its product.
  const direct =
    ctx.params === null || !ctx.params.flags.zcaWhitening
      ? new PixelStandardizer(ctx.imageShape, ctx.rowFormat, ctx.params)
      : null;
  const values = direct === null ? new Float64Array(ctx.batchSize * dim) : null;
  // The batch being filled (taken at its first image); the model's runtime
  // hands its buffer back to ctx.tensors once it has read it.
  let rowsOut: Float32Array = new Float32Array(0);
  let keys: string[] = [];
  // The batches in the model, chained so their outputs join the part in order.
  let last: Promise<void> = Promise.resolve();
  let failed: unknown = null;
  const flush = async (): Promise<void> => {
    const rows = keys.length;
    const tensor =
      values === null
        ? rowsOut.subarray(0, rows * dim)
        : await standardizeToFloat32(values.subarray(0, rows * dim), rows, ctx.params, ctx.la);
    const batchKeys = keys;
    keys = [];
    const dims = ctx.input.dims(rows);
    // A copy: the model may take the tensor's buffer to another thread.
    ctx.onBatch?.({ part: index, keys: batchKeys, tensor: tensor.slice(), dims });
    if (failed !== null) throw failed;
    const bytes = tensor.byteLength;
    await ctx.gate.enter(bytes);
    const outputs = ctx.model
      .run(tensor, dims, (buffer) => ctx.tensors.give(buffer))
      .finally(() => ctx.gate.leave(bytes));
    const before = last;
    last = (async () => {
      const out = await outputs;
      await before;
      assembler.add(batchKeys, out);
      for (let i = 0; i < rows; i++) ctx.onImage?.(false);
    })();
    // Awaited at the end; a failure stops the shard at its next batch.
    last.catch((err: unknown) => (failed ??= err));
  };
  for await (const { item, image } of images) {
    if (values !== null) {
      writeImageRow(image.data, ctx.imageShape, ctx.rowFormat, values, keys.length * dim);
    } else {
      if (keys.length === 0) rowsOut = ctx.tensors.take();
      direct!.writeRow(image.data, rowsOut, keys.length * dim);
    }
    keys.push(item.key);
    if (keys.length === ctx.batchSize) await flush();
  }
  if (keys.length > 0) await flush();
  await last;
  return { part: assembler.finish(), skipped: images.skipped };
}

/** The row shape of each output whose shape the model states in full (all but the batch axis). */
function statedRowShapes(model: LoadedModel): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  for (const o of model.outputs) {
    const row = o.shape.slice(1);
    if (row.every((d): d is number => typeof d === "number")) shapes.set(o.name, row);
  }
  return shapes;
}
