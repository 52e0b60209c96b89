/** One part of a prediction's output: the rows of one shard, in key order. */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** One model output over a part's rows. */
export interface PartOutput {
  /** The model's output name; it names the column (parquet, jsonl) or the file (npy). */
  readonly name: string;
  /** The shape of one row's value, e.g. [10] for 10 class scores ([] for a scalar). */
  readonly rowShape: readonly number[];
  /** n rows of `rowShape`, row-major (n · ∏rowShape values). */
  readonly data: Float32Array;
}

/** The k best classes of each row (see {@link topK}). */
export interface PartTopK {
  readonly k: number;
  /** n·k class indexes, best first in each row. */
  readonly index: Int32Array;
  /** n·k scores, matching `index`. */
  readonly score: Float32Array;
  /** The class names, indexed by class; adds `top_k_label`. @defaultValue none */
  readonly labels?: readonly string[];
}

/** What a format encodes: a part's keys and outputs (and optionally its top-k). */
export interface PredictionPart {
  /** The part's number in the shard plan: `part-000042`. */
  readonly index: number;
  /** The rows' keys, in ascending byte order (the plan's order). */
  readonly keys: readonly string[];
  readonly outputs: readonly PartOutput[];
  readonly topK?: PartTopK;
}

/** One file of an encoded part: its name (relative to the output folder) and bytes. */
export interface EncodedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Column names a model output may not take. */
export const RESERVED_COLUMNS = ["key", "top_k_index", "top_k_score", "top_k_label"] as const;

/** `part-000042` for part 42. */
export function partBaseName(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw invalid(`part index ${index}: expected a non-negative integer`);
  }
  return `part-${String(index).padStart(6, "0")}`;
}

/**
 * Checks a part before it is encoded: sizes agree, keys ascend, names are free.
 * @throws FeaturewiseError INVALID_ARGUMENT naming what disagrees
 */
export function checkPart(part: PredictionPart): void {
  const n = part.keys.length;
  const name = partBaseName(part.index);
  for (let i = 1; i < n; i++) {
    if (Buffer.compare(Buffer.from(part.keys[i - 1]!), Buffer.from(part.keys[i]!)) >= 0) {
      throw invalid(
        `${name}: keys must ascend in byte order; "${part.keys[i]}" follows "${part.keys[i - 1]}"`,
      );
    }
  }
  const seen = new Set<string>();
  for (const out of part.outputs) {
    if (
      (RESERVED_COLUMNS as readonly string[]).includes(out.name) ||
      seen.has(out.name) ||
      out.name === ""
    ) {
      throw invalid(
        `${name}: output name "${out.name}" is empty, repeated or one of ${RESERVED_COLUMNS.join(", ")}`,
      );
    }
    seen.add(out.name);
    const perRow = out.rowShape.reduce((a, b) => a * b, 1);
    if (out.data.length !== n * perRow) {
      throw invalid(
        `${name}: output "${out.name}" has ${out.data.length} values; expected ${n} rows × ${perRow}`,
      );
    }
  }
  const top = part.topK;
  if (top !== undefined && (top.index.length !== n * top.k || top.score.length !== n * top.k)) {
    throw invalid(
      `${name}: top-k has ${top.index.length} indexes and ${top.score.length} scores; expected ${n} rows × ${top.k}`,
    );
  }
}

export function invalid(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
}
