import { decodeNpy, encodeMomentsParts, encodeNpyParts, encodeNpzParts } from "../codecs/index.js";
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import type { KerasStatistics } from "../finalize.js";
import type { ImageShape } from "../image-layout.js";
import type { Moments } from "../moments.js";
import type { StandardizeParams } from "../standardize.js";
import { sha256Hex } from "./sha256.js";
import { ARTIFACT_FILES, type StatsDocument } from "./stats-document.js";

/**
 * The files of a stats artifact, in the order they must be written:
 * `stats.json` comes last, so an artifact without it is visibly incomplete,
 * and records the sha256 of every other file. Mean and std have Keras'
 * broadcast shapes, the whitening matrix is (D, D). Each file comes as
 * pieces to write in order (large arrays are viewed, not copied).
 * @param doc - the document without its checksums; the one returned has them
 */
export async function encodeArtifact(
  doc: Omit<StatsDocument, "checksums">,
  stats: KerasStatistics,
  moments: Moments,
): Promise<{ files: Array<[name: string, parts: Uint8Array[]]>; doc: StatsDocument }> {
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
  const checksums: Record<string, string> = {};
  for (const [name, parts] of files) checksums[name] = await sha256Hex(parts);
  const full: StatsDocument = { ...doc, checksums };
  files.push([
    ARTIFACT_FILES.stats,
    [new TextEncoder().encode(JSON.stringify(full, null, 2) + "\n")],
  ]);
  return { files, doc: full };
}

/**
 * Reads one file of an artifact and checks it against the sha256 that
 * `stats.json` records for it.
 * @param read - returns the bytes of one artifact file by name
 * @throws FeaturewiseError CORRUPT_ARTIFACT when the document records no
 *   checksum for it or the bytes do not match
 */
export async function readVerifiedFile(
  doc: StatsDocument,
  name: string,
  read: (name: string) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const expected = doc.checksums[name];
  if (expected === undefined)
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `stats.json records no sha256 for ${name}`,
    );
  const bytes = await read(name);
  const actual = await sha256Hex([bytes]);
  if (actual !== expected) {
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${name} fails its checksum: sha256 ${actual}, stats.json records ${expected} (the file was changed or damaged)`,
    );
  }
  return bytes;
}

/** The image shape recorded in a stats document, whatever its data format. */
export function documentImageShape(doc: StatsDocument): ImageShape {
  const [a, b, c] = doc.imageShape;
  return doc.dataFormat === "channels_last"
    ? { height: a, width: b, channels: c }
    : { height: b, width: c, channels: a };
}

/**
 * Loads what `standardize` needs from an artifact: each file is checked
 * against its sha256 in `stats.json`, its dtype and shape against the
 * document's, and mean and std against the document's `channelMean` and
 * `channelStd` (bit for bit: both were written from the same numbers).
 * @param doc - a document from `parseStatsDocument`
 * @param read - returns the bytes of one artifact file by name
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming the file and what is wrong
 */
export async function loadStandardizeParams(
  doc: StatsDocument,
  read: (name: string) => Promise<Uint8Array>,
): Promise<StandardizeParams> {
  const imageShape = documentImageShape(doc);
  const c = imageShape.channels;
  const broadcast = doc.dataFormat === "channels_last" ? [1, 1, c] : [c, 1, 1];
  const channelMean = await readFloat64(doc, read, doc.files.mean, broadcast);
  const channelStd = await readFloat64(doc, read, doc.files.std, broadcast);
  sameAsDocument(doc.files.mean, channelMean, doc.channelMean, "channelMean");
  sameAsDocument(doc.files.std, channelStd, doc.channelStd, "channelStd");
  let whitening: Float64Array | null = null;
  if (doc.flags.zcaWhitening) {
    if (doc.files.whitening === null) {
      throw new FeaturewiseError(
        ErrorCodes.CORRUPT_ARTIFACT,
        "stats.json enables ZCA but names no whitening matrix",
      );
    }
    const d = imageShape.height * imageShape.width * imageShape.channels;
    whitening = await readFloat64(doc, read, doc.files.whitening, [d, d]);
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
  doc: StatsDocument,
  read: (name: string) => Promise<Uint8Array>,
  name: string,
  shape: readonly number[],
): Promise<Float64Array> {
  const { data, dtype, shape: found } = decodeNpy(await readVerifiedFile(doc, name, read));
  if (
    dtype !== "float64" ||
    found.length !== shape.length ||
    found.some((v, i) => v !== shape[i])
  ) {
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${name}: expected float64 of shape (${shape.join(", ")}), found ${dtype} of shape (${found.join(", ")})`,
    );
  }
  return data as Float64Array;
}

function sameAsDocument(
  name: string,
  values: Float64Array,
  recorded: readonly number[],
  field: string,
): void {
  const at = recorded.findIndex((v, i) => !Object.is(v, values[i]));
  if (at >= 0) {
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${name}: channel ${at} is ${values[at]}, but stats.json's ${field} says ${recorded[at]}`,
    );
  }
}
