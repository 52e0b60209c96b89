/** `manifest.json`: what a finished prediction wrote, from what, and how (timings in a field of their own). */
import { FEATUREWISE_VERSION, type SkippedItem } from "@featurewise/core";
import type { TensorInfo } from "../model-input.js";
import type { PartRecord } from "./run-output.js";
import type { RunSetup } from "./run-setup.js";

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

/** The manifest but what the parts tell (rows, skipped, files) and the timings: known once the listing has ended. */
export type ManifestHead = Omit<
  PredictManifest,
  "featurewise" | "n" | "skipped" | "parts" | "timings"
>;

/** What {@link manifestHead} is made from. */
export interface ManifestHeadInputs {
  readonly options: {
    readonly format: string;
    readonly rescale: number | null;
    readonly imagesPerShard: number;
    readonly batchSize: number;
    readonly labels: string | null;
  };
  readonly setup: RunSetup;
  readonly model: {
    /** The model's URI. */
    readonly location: string;
    readonly checksums: { readonly sha256: string; readonly files: Record<string, string> };
    readonly runtime: string;
    readonly device: string;
    readonly reason: string;
    readonly input: TensorInfo;
    readonly outputs: readonly TensorInfo[];
  };
  readonly artifact: { readonly location: string; readonly statsSha256: string } | null;
  readonly source: {
    readonly uri: string;
    readonly fingerprint: string;
    readonly listed: number | null;
  };
}

/** The manifest's fields that the run decides (see {@link ManifestHead}). */
export function manifestHead(i: ManifestHeadInputs): ManifestHead {
  const { options, setup, model } = i;
  const topK = setup.topK;
  return {
    runId: setup.id,
    format: options.format,
    columns: manifestColumns(
      model.outputs,
      topK === null ? null : { k: topK.k, labels: topK.labels !== undefined },
    ),
    model: {
      location: model.location,
      sha256: model.checksums.sha256,
      files: model.checksums.files,
      runtime: model.runtime,
      device: model.device,
      reason: model.reason,
      input: { ...model.input, layout: setup.input.layout, layoutReason: setup.input.reason },
      outputs: model.outputs,
    },
    artifact: i.artifact,
    rescale: i.artifact === null ? options.rescale : null,
    source: { ...i.source, imagesPerShard: options.imagesPerShard },
    batchSize: options.batchSize,
    topK:
      topK === null ? null : { k: topK.k, output: model.outputs[0]!.name, labels: options.labels },
  };
}

/** The whole manifest from its head, every part's record in part order, and the timings. */
export function completeManifest(
  head: ManifestHead,
  records: readonly PartRecord[],
  timings: PredictManifest["timings"],
): Omit<PredictManifest, "featurewise"> {
  const skipped = records.flatMap((r) => r.skipped);
  return {
    runId: head.runId,
    n: records.reduce((sum, r) => sum + r.rows, 0),
    skipped: { count: skipped.length, items: skipped },
    format: head.format,
    columns: head.columns,
    parts: records.map(({ part, rows, files }) => ({ part, rows, files })),
    model: head.model,
    artifact: head.artifact,
    rescale: head.rescale,
    source: {
      uri: head.source.uri,
      imagesPerShard: head.source.imagesPerShard,
      fingerprint: head.source.fingerprint,
      listed: head.source.listed,
    },
    batchSize: head.batchSize,
    topK: head.topK,
    timings,
  };
}
