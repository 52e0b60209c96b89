/**
 * The rows of a prediction output folder, part by part, read back from the
 * format the run wrote (parquet, jsonl or npy) after each file is checked
 * against the sha256 its manifest records.
 */
import {
  decodeKeysJsonl,
  decodeNpy,
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  sha256Hex,
} from "@featurewise/core";
import { MANIFEST, topK, type PredictManifest } from "@featurewise/predict";
import type { ObjectStore } from "@featurewise/storage";
import { parquetReadObjects } from "hyparquet";

/** One prediction row: its key and its best classes (best first). */
export interface PredictionRow {
  readonly key: string;
  readonly index: readonly number[];
  readonly score: readonly number[];
  /** The classes' names, when the run had labels. */
  readonly label: readonly (string | null)[] | null;
}

/** Classes a row keeps when the run wrote no top-k (computed from the scores output). */
const DEFAULT_K = 5;

/**
 * The rows of each part in part order. Without top-k columns the best
 * classes come from the first output (or the top-k output the manifest
 * names), as `--top-k` would have picked them.
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming a file that is missing, altered or unreadable
 */
export async function* predictionRows(
  store: ObjectStore,
  manifest: PredictManifest,
): AsyncGenerator<PredictionRow[]> {
  const output =
    manifest.topK?.output ??
    manifest.columns.find((c) => c.name !== "key" && !c.name.startsWith("top_k_"))?.name;
  for (const part of manifest.parts) {
    const files = new Map<string, Uint8Array>();
    for (const file of part.files) {
      const bytes = await store.get(file.name).catch((err: unknown) => {
        // A missing file, or a name that leaves the folder, is the output's fault; I/O stays I/O.
        if (
          !isFeaturewiseError(err, ErrorCodes.NOT_FOUND) &&
          !isFeaturewiseError(err, ErrorCodes.INVALID_ARGUMENT)
        )
          throw err;
        throw corrupt(
          store,
          `${file.name}, listed in ${MANIFEST}, cannot be read: ${(err as Error).message}`,
          err,
        );
      });
      if ((await sha256Hex([bytes])) !== file.sha256) {
        throw corrupt(store, `${file.name}'s sha256 differs from the one ${MANIFEST} records`);
      }
      files.set(file.name, bytes);
    }
    const rows = await decodePart(manifest.format, files, output);
    if (rows.length !== part.rows) {
      throw corrupt(
        store,
        `part ${part.part} holds ${rows.length} rows; ${MANIFEST} says ${part.rows}`,
      );
    }
    yield rows;
  }
}

type Record = { [column: string]: unknown };

async function decodePart(
  format: string,
  files: ReadonlyMap<string, Uint8Array>,
  output: string | undefined,
): Promise<PredictionRow[]> {
  const named = (suffix: string) => [...files].find(([name]) => name.endsWith(suffix))?.[1];
  if (format === "jsonl") {
    const bytes = named(".jsonl") ?? new Uint8Array();
    const text = new TextDecoder().decode(bytes);
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => toRow(JSON.parse(line) as Record, output));
  }
  if (format === "parquet") {
    const bytes = named(".parquet") ?? new Uint8Array();
    const buffer = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    const records = await parquetReadObjects({ file: buffer });
    return records.map((r) => toRow(r as Record, output));
  }
  if (format === "npy") {
    const keysName = [...files.keys()].find((n) => n.endsWith(".keys.jsonl"));
    const keys = keysName === undefined ? [] : decodeKeysJsonl(files.get(keysName)!, keysName);
    const arrays = [...files].filter(([name]) => name.endsWith(".npy"));
    // One output: part-N.npy; several: part-N.<output>.npy (the first output named in the manifest).
    const chosen =
      arrays.length === 1
        ? arrays[0]
        : arrays.find(([name]) => output !== undefined && name.endsWith(`.${output}.npy`));
    if (chosen === undefined)
      return keys.map((key) => ({ key, index: [], score: [], label: null }));
    const a = decodeNpy(chosen[1]);
    const per = keys.length === 0 ? 0 : a.data.length / keys.length;
    return keys.map((key, r) =>
      best(key, Float32Array.from(a.data.subarray(r * per, (r + 1) * per))),
    );
  }
  throw new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `prediction format "${format}": expected parquet, jsonl or npy`,
  );
}

function toRow(record: Record, output: string | undefined): PredictionRow {
  const key = String(record["key"]);
  const index = record["top_k_index"];
  if (Array.isArray(index)) {
    const label = record["top_k_label"];
    return {
      key,
      index: index.map(Number),
      score: (record["top_k_score"] as unknown[]).map((s) => (s === null ? NaN : Number(s))),
      label: Array.isArray(label) ? label.map((l) => (l === null ? null : String(l))) : null,
    };
  }
  const scores = output === undefined ? undefined : record[output];
  if (!Array.isArray(scores)) return { key, index: [], score: [], label: null };
  return best(
    key,
    Float32Array.from(scores, (s) => (s === null ? NaN : Number(s))),
  );
}

/** The best classes of one row of scores, by predict's own top-k (at most {@link DEFAULT_K}). */
function best(key: string, scores: Float32Array): PredictionRow {
  if (scores.length === 0) return { key, index: [], score: [], label: null };
  const top = topK(scores, Math.min(DEFAULT_K, scores.length));
  return { key, index: Array.from(top.index), score: Array.from(top.score), label: null };
}

function corrupt(store: ObjectStore, what: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.CORRUPT_ARTIFACT,
    `prediction output ${store.root}: ${what}`,
    cause === undefined ? undefined : { cause },
  );
}
