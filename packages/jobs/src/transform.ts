import {
  ARTIFACT_FILES,
  encodeNpy,
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  imageDims,
  loadStandardizeParams,
  parseStatsDocument,
  standardizeBatch,
  writeImageRow,
  type DataFormat,
  type DecodeSettings,
  type SkippedItem,
  type StandardizeParams,
} from "@featurewise/core";
import { openSource, type SourceItem } from "@featurewise/dataset";
import { openStore } from "@featurewise/storage";
import path from "node:path";
import { selectBackend } from "./backends.js";
import { decodeInOrder } from "./decode-stream.js";
import { resolveImageShape } from "./fit-plan.js";
import type { OnError } from "./fit-options.js";
import { describeShape } from "./shard-moments.js";

/** What `featurewise transform` does. */
export interface TransformOptions {
  readonly source: string;
  /** The output .npy file (path or URI); `<out>.keys.txt` is written beside it. */
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
}

/** What a transform wrote. */
export interface TransformResult {
  readonly count: number;
  readonly shape: number[];
  readonly skipped: SkippedItem[];
  readonly location: string;
}

const DEFAULT_DECODE: DecodeSettings = {
  colorMode: "rgb",
  targetSize: null,
  interpolation: "nearest",
};

/**
 * Decodes every image of a source into one (N,H,W,C) or (N,C,H,W) array,
 * standardized with an artifact's statistics when one is given, in the
 * source's key order, and writes it as .npy with a keys file beside it.
 */
export async function runTransform(options: TransformOptions): Promise<TransformResult> {
  const source = openSource(options.source);
  const { la } = selectBackend(options.backend);
  let params: StandardizeParams | null = null;
  let decode: DecodeSettings = { ...DEFAULT_DECODE, ...options.decode };
  let dataFormat = options.dataFormat;
  if (options.stats !== null) {
    const statsStore = openStore(options.stats);
    const doc = parseStatsDocument(
      new TextDecoder().decode(await statsStore.get(ARTIFACT_FILES.stats)),
      statsStore.uriOf(ARTIFACT_FILES.stats),
    );
    params = await loadStandardizeParams(doc, (name) => statsStore.get(name));
    decode = { ...doc.decode, ...options.decode };
    dataFormat = doc.dataFormat;
  }
  const items: SourceItem[] = [];
  for await (const item of source.list()) items.push(item);
  if (items.length === 0)
    throw new FeaturewiseError(ErrorCodes.EMPTY_SOURCE, `source ${source.uri} holds no files`);
  const shape = params?.imageShape ?? (await resolveImageShape(source, items, decode));
  const dim = flatSize(shape);
  const values = new Float64Array(items.length * dim);
  const keys: string[] = [];
  const skipped: SkippedItem[] = [];
  for await (const r of decodeInOrder(items, source, decode, 8)) {
    const reason =
      "error" in r
        ? r.error.message
        : describeShape(r.image) !== describeShape(shape)
          ? `image is ${describeShape(r.image)}, expected ${describeShape(shape)} (pass --size to resize)`
          : null;
    if (reason !== null || !("image" in r)) {
      if (options.onError === "fail")
        throw new FeaturewiseError(
          ErrorCodes.DECODE_FAILED,
          `${source.uri}/${r.item.key}: ${reason}`,
        );
      skipped.push({ key: r.item.key, reason: reason ?? "" });
      continue;
    }
    writeImageRow(r.image.data, shape, dataFormat, values, keys.length * dim);
    keys.push(r.item.key);
  }
  if (keys.length === 0) {
    throw new FeaturewiseError(
      ErrorCodes.EMPTY_SOURCE,
      `source ${source.uri}: no image could be used`,
    );
  }
  let out: Float64Array = values.subarray(0, keys.length * dim);
  if (params !== null) out = await standardizeBatch(out, keys.length, params, la);
  const arrayShape = [keys.length, ...imageDims(shape, dataFormat)];
  const data = options.dtype === "float64" ? out : Float32Array.from(out);
  const dir = openStore(path.dirname(options.out));
  const name = path.basename(options.out);
  await dir.put(name, encodeNpy(data, arrayShape));
  await dir.put(`${name}.keys.txt`, new TextEncoder().encode(keys.map((k) => `${k}\n`).join("")));
  return { count: keys.length, shape: arrayShape, skipped, location: dir.uriOf(name) };
}
