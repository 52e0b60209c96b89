/**
 * Reading a stats artifact for use, and the per-batch standardization every
 * pipeline that applies one runs (`transform`, `predict`): one road, so the
 * tensor a model sees is the array `transform` writes, bit for bit.
 */
import {
  ARTIFACT_FILES,
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  loadStandardizeParams,
  parseStatsDocument,
  sha256Hex,
  standardizeBatch,
  type LinearAlgebra,
  type StandardizeParams,
  type StatsDocument,
} from "@featurewise/core";
import type { Storage } from "@featurewise/storage";

/** An artifact read and checked: its document, what standardize needs, and where it came from. */
export interface LoadedArtifact {
  readonly doc: StatsDocument;
  readonly params: StandardizeParams;
  /** The artifact's location as a URI. */
  readonly location: string;
  /** sha256 of its stats.json (which records the sha256 of every other file). */
  readonly statsSha256: string;
}

/**
 * Reads the artifact at `location`: stats.json, then each array checked
 * against the sha256 stats.json records.
 * @throws FeaturewiseError NOT_FOUND when there is no stats.json there;
 *   CORRUPT_ARTIFACT naming the artifact and the file that fails
 */
export async function readArtifact(storage: Storage, location: string): Promise<LoadedArtifact> {
  const store = storage.open(location);
  const statsBytes = await store.get(ARTIFACT_FILES.stats).catch((err: unknown) => {
    if (!isFeaturewiseError(err, ErrorCodes.NOT_FOUND)) throw err;
    throw new FeaturewiseError(
      ErrorCodes.NOT_FOUND,
      `--stats ${location}: there is no ${ARTIFACT_FILES.stats} at ${store.uriOf(ARTIFACT_FILES.stats)}; expected an artifact written by featurewise fit`,
      { cause: err },
    );
  });
  const doc = parseStatsDocument(
    new TextDecoder().decode(statsBytes),
    store.uriOf(ARTIFACT_FILES.stats),
  );
  // Each file checked against its sha256 and stats.json; errors name the artifact.
  const params = await loadStandardizeParams(doc, (name) => store.get(name)).catch(
    (err: unknown) => {
      if (!isFeaturewiseError(err, ErrorCodes.CORRUPT_ARTIFACT)) throw err;
      throw new FeaturewiseError(err.code, `${store.root}: ${err.message}`, { cause: err });
    },
  );
  return { doc, params, location: store.root, statsSha256: await sha256Hex([statsBytes]) };
}

/**
 * Keras' `standardize` over `rows` decoded images (written by
 * `writeImageRow` in `params.dataFormat`'s order) as `transform` and
 * `predict` apply it: in float64, then each value rounded once to float32.
 * Without params the decoded values are returned as they are.
 * @param values - exactly rows×D values; changed in place
 * @returns rows×D float32 values, a new array
 */
export async function standardizeToFloat32(
  values: Float64Array,
  rows: number,
  params: StandardizeParams | null,
  la: LinearAlgebra,
): Promise<Float32Array> {
  return Float32Array.from(await standardizeRows(values, rows, params, la));
}

/** {@link standardizeToFloat32} before the rounding: the float64 rows (a view of `values` unless ZCA ran). */
export async function standardizeRows(
  values: Float64Array,
  rows: number,
  params: StandardizeParams | null,
  la: LinearAlgebra,
): Promise<Float64Array> {
  if (params === null || rows === 0) return values;
  return standardizeBatch(values, rows, params, la);
}
