/** `manifest.json`: what a finished prediction wrote, from what, and how (timings in a field of their own). */
import { FEATUREWISE_VERSION, type SkippedItem } from "@featurewise/core";
import type { TensorInfo } from "../model-input.js";
import type { PartRecord } from "./run-output.js";

/** One column of every part (npy: one file per output, keys in `.keys.txt`). */
export interface ManifestColumn {
  readonly name: string;
  /** `string`, `list<float32>`, `list<int32>`, `list<string>`. */
  readonly type: string;
  /** The shape of one row's value ([] for a scalar). */
  readonly shape: readonly (number | null)[];
}

/** The whole manifest. Everything but `timings` is the same for the same run, however it was interrupted. */
export interface PredictManifest {
  readonly featurewise: string;
  readonly runId: string;
  /** Images predicted (rows over all parts). */
  readonly n: number;
  readonly skipped: { readonly count: number; readonly items: readonly SkippedItem[] };
  readonly format: string;
  readonly columns: readonly ManifestColumn[];
  readonly parts: readonly Omit<PartRecord, "skipped">[];
  readonly model: {
    readonly location: string;
    readonly sha256: string;
    readonly files: Readonly<Record<string, string>>;
    readonly runtime: string;
    readonly device: string;
    readonly reason: string;
    readonly input: TensorInfo & { readonly layout: string; readonly layoutReason: string };
    readonly outputs: readonly TensorInfo[];
  };
  /** The artifact applied, or null under `--no-stats`. */
  readonly artifact: { readonly location: string; readonly statsSha256: string } | null;
  /** `--rescale` under `--no-stats` (the artifact's own is in its stats.json). */
  readonly rescale: number | null;
  readonly source: {
    readonly uri: string;
    readonly imagesPerShard: number;
    readonly fingerprint: string;
    readonly listed: number | null;
  };
  readonly batchSize: number;
  readonly topK: {
    readonly k: number;
    readonly output: string;
    readonly labels: string | null;
  } | null;
  /** How long it took: differs between runs of the same result. */
  readonly timings: {
    readonly seconds: number;
    readonly imagesPerSecond: number;
    /** Parts found whole from an earlier try of the same run and kept. */
    readonly partsReused: number;
  };
}

/** The columns of every part, in order. */
export function manifestColumns(
  outputs: readonly { name: string; shape: readonly (number | null)[] }[],
  topK: { k: number; labels: boolean } | null,
): ManifestColumn[] {
  const columns: ManifestColumn[] = [{ name: "key", type: "string", shape: [] }];
  for (const o of outputs)
    columns.push({ name: o.name, type: "list<float32>", shape: o.shape.slice(1) });
  if (topK !== null) {
    columns.push({ name: "top_k_index", type: "list<int32>", shape: [topK.k] });
    columns.push({ name: "top_k_score", type: "list<float32>", shape: [topK.k] });
    if (topK.labels) columns.push({ name: "top_k_label", type: "list<string>", shape: [topK.k] });
  }
  return columns;
}

/** The manifest's bytes: pretty JSON and a final newline. */
export function encodeManifest(manifest: Omit<PredictManifest, "featurewise">): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ featurewise: FEATUREWISE_VERSION, ...manifest }, null, 2) + "\n",
  );
}
