import {
  DEFAULT_DECODE,
  encodeKeysJsonl,
  encodeNpy,
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  imageDims,
  writeImageRow,
  type DataFormat,
  type DecodeSettings,
  type LinearAlgebra,
  type SkippedItem,
  type StandardizeParams,
} from "@featurewise/core";
import { openSource, withOpenShard, type ShardSpec } from "@featurewise/dataset";
import { parentLocation, Storage } from "@featurewise/storage";
import { readArtifact, standardizeRows, standardizeToFloat32 } from "./artifact-reader.js";
import { selectBackend } from "./backends.js";
import { folderWalk, resolveImageShape } from "./streaming-plan.js";
import { checkTransformOutput } from "./output-checks.js";
import type { OnError } from "@featurewise/core";
import { ShardImages } from "./shard-images.js";

/**
 * The name of the keys file written beside an output array: one JSON string
 * a line, the key of each row in row order (see `encodeKeysJsonl`).
 */
export function keysFileName(arrayName: string): string {
  return `${arrayName}.keys.jsonl`;
}

/** What `featurewise transform` does. */
export interface TransformOptions {
  readonly source: string;
  /** The output .npy file (path or URI); `<out>.keys.jsonl` is written beside it. */
  readonly out: string;
  /** A stats artifact to standardize with, or null for the decoded values alone. */
  readonly stats: string | null;
  /** @defaultValue "float32" */
  readonly dtype: "float32" | "float64";
  /** Decode settings that override the artifact's (or the defaults without one). */
  readonly decode: Partial<DecodeSettings>;
  /** Used without --stats; with it the artifact's data format applies. */
  readonly dataFormat: DataFormat;
  readonly onError: OnError;
  readonly backend: string;
  /** Enter symlinked folders of a local source (see FitOptions.followLinks). @defaultValue false */
  readonly followLinks?: boolean;
  /** Opens S3 locations. @defaultValue a Storage of the default configuration, closed afterwards */
  readonly storage?: Storage;
}

/** What a transform wrote. */
export interface TransformResult {
  readonly count: number;
  readonly shape: number[];
  readonly skipped: SkippedItem[];
  readonly location: string;
}

/**
 * Decodes every image of a source into one (N,H,W,C) or (N,C,H,W) array,
 * standardized with an artifact's statistics when one is given, in the
 * source's order (shard by shard), and writes it as .npy with a keys file
 * beside it. Source, artifact and output may each be local or on S3.
 */
export async function runTransform(options: TransformOptions): Promise<TransformResult> {
  const storage = options.storage ?? new Storage();
  const backend = selectBackend(options.backend);
  try {
    return await transform(options, storage, backend.la);
  } finally {
    backend.dispose();
    if (options.storage === undefined) storage.close();
  }
}

async function transform(
  options: TransformOptions,
  storage: Storage,
  la: LinearAlgebra,
): Promise<TransformResult> {
  const source = openSource(options.source, storage, folderWalk(options));
  const { parent, name } = parentLocation(options.out);
  const dir = storage.open(parent);
  await checkTransformOutput(dir, name, options.source);
  let params: StandardizeParams | null = null;
  let decode: DecodeSettings = { ...DEFAULT_DECODE, ...options.decode };
  let dataFormat = options.dataFormat;
  if (options.stats !== null) {
    const artifact = await readArtifact(storage, options.stats);
    params = artifact.params;
    decode = { ...artifact.doc.decode, ...options.decode };
    dataFormat = artifact.doc.dataFormat;
  }
  const shards: ShardSpec[] = [];
  for await (const spec of source.planShards(source.list())) shards.push(spec);
  if (shards.length === 0)
    throw new FeaturewiseError(ErrorCodes.EMPTY_SOURCE, `source ${source.uri} holds no files`);
  const shape = params?.imageShape ?? (await resolveImageShape(source, shards, decode));
  const dim = flatSize(shape);
  const parts: Array<Float32Array | Float64Array> = [];
  const keys: string[] = [];
  const skipped: SkippedItem[] = [];
  for (const spec of shards) {
    const part = await withOpenShard(source, spec, async (shard) => {
      const values = new Float64Array(shard.items.length * dim);
      let rows = 0;
      const images = new ShardImages(shard, {
        source,
        decode,
        imageShape: shape,
        onError: options.onError,
      });
      for await (const { item, image } of images) {
        writeImageRow(image.data, shape, dataFormat, values, rows * dim);
        keys.push(item.key);
        rows++;
      }
      skipped.push(...images.skipped);
      const rowsOf = values.subarray(0, rows * dim);
      return options.dtype === "float64"
        ? standardizeRows(rowsOf, rows, params, la)
        : standardizeToFloat32(rowsOf, rows, params, la);
    });
    parts.push(part);
  }
  if (keys.length === 0) {
    throw new FeaturewiseError(
      ErrorCodes.EMPTY_SOURCE,
      `source ${source.uri}: no image could be used`,
    );
  }
  const arrayShape = [keys.length, ...imageDims(shape, dataFormat)];
  const data =
    options.dtype === "float64"
      ? new Float64Array(keys.length * dim)
      : new Float32Array(keys.length * dim);
  let offset = 0;
  for (const part of parts.splice(0)) {
    data.set(part, offset);
    offset += part.length;
  }
  await dir.put(name, encodeNpy(data, arrayShape));
  await dir.put(keysFileName(name), encodeKeysJsonl(keys));
  return { count: keys.length, shape: arrayShape, skipped, location: dir.uriOf(name) };
}
