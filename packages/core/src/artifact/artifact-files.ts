import { decodeNpy, encodeMomentsParts, encodeNpyParts, encodeNpzParts } from "../codecs/index.js";
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import type { KerasStatistics } from "../finalize.js";
import type { ImageShape } from "../image-layout.js";
import type { Moments } from "../moments.js";
import type { StandardizeParams } from "../standardize.js";
import { ARTIFACT_FILES, type StatsDocument } from "./stats-document.js";

/**
 * The files of a stats artifact, in the order they must be written:
 * `stats.json` comes last, so an artifact without it is visibly incomplete.
 * Mean and std have Keras' broadcast shapes, the whitening matrix is (D, D).
 * Each file comes as pieces to write in order (large arrays are viewed, not copied).
 */
export function encodeArtifact(
  doc: StatsDocument,
  stats: KerasStatistics,
  moments: Moments,
): Array<[name: string, parts: Uint8Array[]]> {
  const c = stats.channelMean.length;
  const broadcast = doc.dataFormat === "channels_last" ? [1, 1, c] : [c, 1, 1];
  const mean = encodeNpyParts(stats.channelMean, broadcast);
  const std = encodeNpyParts(stats.channelStd, broadcast);
  const files: Array<[string, Uint8Array[]]> = [
    [ARTIFACT_FILES.mean, mean],
    [ARTIFACT_FILES.std, std],
  ];
  const npzEntries: Array<[string, Uint8Array[]]> = [
    ["mean.npy", mean],
    ["std.npy", std],
  ];
  if (stats.whitening !== null) {
    const d = Math.round(Math.sqrt(stats.whitening.length));
    // Pieces that view W rather than copy it (75 MB at D=3072), in the .npy and in the .npz.
    const w = encodeNpyParts(stats.whitening, [d, d]);
    files.push([ARTIFACT_FILES.whitening, w]);
    npzEntries.push(["zca_whitening_matrix.npy", w]);
  }
  files.push([ARTIFACT_FILES.npz, encodeNpzParts(npzEntries)]);
  files.push([ARTIFACT_FILES.moments, encodeMomentsParts(moments)]);
  files.push([
    ARTIFACT_FILES.stats,
    [new TextEncoder().encode(JSON.stringify(doc, null, 2) + "\n")],
  ]);
  return files;
}

/** The image shape recorded in a stats document, whatever its data format. */
export function documentImageShape(doc: StatsDocument): ImageShape {
  const [a, b, c] = doc.imageShape;
  return doc.dataFormat === "channels_last"
    ? { height: a, width: b, channels: c }
    : { height: b, width: c, channels: a };
}

/**
 * Loads what `standardize` needs from an artifact.
 * @param read - returns the bytes of one artifact file by name
 */
export async function loadStandardizeParams(
  doc: StatsDocument,
  read: (name: string) => Promise<Uint8Array>,
): Promise<StandardizeParams> {
  const imageShape = documentImageShape(doc);
  const channelMean = await readFloat64(read, doc.files.mean, imageShape.channels);
  const channelStd = await readFloat64(read, doc.files.std, imageShape.channels);
  let whitening: Float64Array | null = null;
  if (doc.flags.zcaWhitening) {
    if (doc.files.whitening === null) {
      throw new FeaturewiseError(
        ErrorCodes.CORRUPT_ARTIFACT,
        "stats.json enables ZCA but names no whitening matrix",
      );
    }
    const d = imageShape.height * imageShape.width * imageShape.channels;
    whitening = await readFloat64(read, doc.files.whitening, d * d);
  }
  return {
    flags: doc.flags,
    rescale: doc.rescale,
    dataFormat: doc.dataFormat,
    imageShape,
    channelMean,
    channelStd,
    whitening,
  };
}

async function readFloat64(
  read: (name: string) => Promise<Uint8Array>,
  name: string,
  size: number,
): Promise<Float64Array> {
  const { data, dtype } = decodeNpy(await read(name));
  if (dtype !== "float64" || data.length !== size) {
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${name}: expected ${size} float64 values, found ${data.length} ${dtype}`,
    );
  }
  return data as Float64Array;
}
