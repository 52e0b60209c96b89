/**
 * The output folder of a prediction: a marker naming the run written first,
 * one part (and its record) per shard, `manifest.json` last. A folder
 * without manifest.json is not a finished result. An `--out` that holds
 * another run is refused unless told to resume it (same run only) or to
 * overwrite it.
 */
import {
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  sha256Hex,
  type PREDICT_EXISTING,
  type SkippedItem,
} from "@featurewise/core";
import { isStagingFile, type ObjectStore } from "@featurewise/storage";
import { partBaseName, type EncodedFile } from "../output/prediction-part.js";
import { encodeManifest, type PredictManifest } from "./manifest.js";

/** The marker file: the run's identity, written before any part. */
export const RUN_MARKER = "predict-run.json";
/** Written last: its presence says the result is complete. */
export const MANIFEST = "manifest.json";
/** Files of a run: parts, records, the marker and the manifest. */
const RUN_FILE = /^(part-\d{6}\.|predict-run\.json$|manifest\.json$)/;

/** What makes two runs give the same parts: the same identity gives byte-identical parts. */
export type RunIdentity = Readonly<Record<string, unknown>>;

/** sha256 over the identity's canonical JSON (keys sorted). */
export async function runId(identity: RunIdentity): Promise<string> {
  return sha256Hex([new TextEncoder().encode(canonicalJson(identity))]);
}

/** One written part: its rows, files with sha256, and the shard's skipped inputs. */
export interface PartRecord {
  readonly part: number;
  readonly rows: number;
  readonly files: readonly {
    readonly name: string;
    readonly bytes: number;
    readonly sha256: string;
  }[];
  readonly skipped: readonly SkippedItem[];
}

/** `part-000042.record.json`: written after the part's files, so its presence says they are whole. */
export function recordName(index: number): string {
  return `${partBaseName(index)}.record.json`;
}

/**
 * Prepares `store` for a run with `id`: refuses another run's files unless
 * `existing` allows, deletes them for `overwrite`, and writes the marker.
 * @returns true when the run resumes (its parts may be reused after verification)
 * @throws FeaturewiseError INVALID_ARGUMENT naming `--out`, what it holds and the ways on
 */
export async function prepareOutput(
  store: ObjectStore,
  id: string,
  identity: RunIdentity,
  existing: (typeof PREDICT_EXISTING)[number],
): Promise<boolean> {
  const found = await runFiles(store);
  let resume = false;
  if (found.length > 0) {
    const marker = found.includes(RUN_MARKER) ? await readMarker(store) : null;
    const same = marker?.runId === id;
    if (existing === "overwrite") {
      for (const name of found) await store.delete(name);
    } else if (existing === "resume" && same) {
      resume = true;
      // Rewritten last, identical: until then the folder is not a finished result.
      await store.delete(MANIFEST);
    } else {
      const what =
        marker === null
          ? `${found.length} files of a prediction (${found[0]}, …) and no ${RUN_MARKER}`
          : same
            ? `this run's ${found.includes(MANIFEST) ? "finished result" : "parts"}`
            : `another run's parts (${describeDifference(marker.identity, identity)})`;
      const how =
        existing === "resume" && !same
          ? "--resume continues only the same run; pass --overwrite to replace it, or another --out"
          : "pass --resume to continue the same run, --overwrite to replace it, or another --out";
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `--out ${store.root} holds ${what}: ${how}`,
      );
    }
  }
  if (!resume) {
    const marker = { runId: id, identity };
    await store.put(RUN_MARKER, new TextEncoder().encode(JSON.stringify(marker, null, 2) + "\n"));
  }
  return resume;
}

/**
 * Writes the run's manifest, last: once every part is written, a part's
 * staging file that a killed process left (`part-000010.parquet.<uuid>.tmp`
 * on a local folder) is removed first, so a finished result holds only its
 * own files, whether it ran at once or was killed and resumed.
 */
export async function writeManifest(
  store: ObjectStore,
  manifest: Omit<PredictManifest, "featurewise">,
): Promise<void> {
  for (const name of await runFiles(store)) if (isStagingFile(name)) await store.delete(name);
  await store.put(MANIFEST, encodeManifest(manifest));
}

/**
 * The part's record when its files are all there with the sha256 it
 * recorded, else null (the part is then predicted again).
 */
export async function verifiedPart(store: ObjectStore, index: number): Promise<PartRecord | null> {
  let record: PartRecord;
  try {
    record = JSON.parse(new TextDecoder().decode(await store.get(recordName(index)))) as PartRecord;
  } catch (err) {
    if (isFeaturewiseError(err, ErrorCodes.NOT_FOUND) || err instanceof SyntaxError) return null;
    throw err;
  }
  for (const file of record.files ?? []) {
    const bytes = await store.get(file.name).catch(() => null);
    if (bytes === null || (await sha256Hex([bytes])) !== file.sha256) return null;
  }
  return record;
}

/** Writes a part's files (each whole: temp+rename locally, one PUT on S3), then its record. */
export async function writePart(
  store: ObjectStore,
  index: number,
  rows: number,
  files: readonly EncodedFile[],
  skipped: readonly SkippedItem[],
): Promise<PartRecord> {
  const written: PartRecord["files"][number][] = [];
  for (const file of files) {
    await store.put(file.name, file.bytes);
    written.push({
      name: file.name,
      bytes: file.bytes.length,
      sha256: await sha256Hex([file.bytes]),
    });
  }
  const record: PartRecord = { part: index, rows, files: written, skipped };
  await store.put(recordName(index), new TextEncoder().encode(JSON.stringify(record) + "\n"));
  return record;
}

async function runFiles(store: ObjectStore): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const info of store.list("")) {
      if (!info.key.includes("/") && RUN_FILE.test(info.key)) names.push(info.key);
    }
  } catch (err) {
    if (!isFeaturewiseError(err, ErrorCodes.NOT_FOUND)) throw err;
  }
  return names;
}

async function readMarker(
  store: ObjectStore,
): Promise<{ runId: string; identity: RunIdentity } | null> {
  try {
    return JSON.parse(new TextDecoder().decode(await store.get(RUN_MARKER))) as {
      runId: string;
      identity: RunIdentity;
    };
  } catch {
    return null;
  }
}

/** "model, batchSize differ": which of the identity's fields differ. */
function describeDifference(a: RunIdentity | undefined, b: RunIdentity): string {
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b)])].sort();
  const differ = keys.filter((k) => canonicalJson(a?.[k]) !== canonicalJson(b[k]));
  return differ.length === 0 ? "of another featurewise" : `${differ.join(", ")} differ`;
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as object).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
          )
        : v,
    ) ?? "null"
  );
}
