/**
 * The report of a prediction run: what ran (n, skipped, model, artifact),
 * the histogram of top-1 classes over every row, and a table of the first
 * rows' best classes with thumbnails of their images.
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { openSource } from "@featurewise/dataset";
import { MANIFEST, type PredictManifest } from "@featurewise/predict";
import type { ObjectStore, Storage } from "@featurewise/storage";
import { barChartSvg, type Bar } from "../charts/bar-chart.js";
import { escapeXml } from "../charts/svg.js";
import { factsTable, figure, htmlTable, note, section, skippedTable } from "../html/page.js";
import { thumbnailDataUri } from "../images/png.js";
import type { ResolvedReportOptions } from "../report-options.js";
import { predictionRows, type PredictionRow } from "./prediction-rows.js";

/** Classes drawn in the top-1 histogram; the rest are summed in one bar. */
const MAX_BARS = 30;

/**
 * Parses manifest.json's bytes, checking the fields the report reads.
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming the output and what is wrong
 */
export function parseManifest(bytes: Uint8Array, where: string): PredictManifest {
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw corruptManifest(where, `is not JSON (${(err as Error).message})`);
  }
  const obj = m as Partial<PredictManifest> | null;
  const ok =
    obj !== null &&
    typeof obj === "object" &&
    typeof obj.n === "number" &&
    typeof obj.format === "string" &&
    Array.isArray(obj.parts) &&
    Array.isArray(obj.columns) &&
    typeof obj.skipped?.count === "number" &&
    Array.isArray(obj.skipped.items) &&
    typeof obj.source?.uri === "string" &&
    obj.parts.every((p) => typeof p?.part === "number" && Array.isArray(p.files));
  if (!ok) {
    throw corruptManifest(
      where,
      "lacks n, format, columns, parts, skipped or source: expected the manifest featurewise predict writes",
    );
  }
  return obj as PredictManifest;
}

function corruptManifest(where: string, what: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.CORRUPT_ARTIFACT, `${where}/${MANIFEST} ${what}`);
}

/** The sections of a prediction run's report. */
export async function predictionReportSections(
  store: ObjectStore,
  manifest: PredictManifest,
  storage: Storage,
  options: ResolvedReportOptions,
): Promise<string[]> {
  const counts = new Map<string, number>();
  const first: PredictionRow[] = [];
  let rows = 0;
  for await (const part of predictionRows(store, manifest)) {
    for (const row of part) {
      rows++;
      const top = classLabel(row, 0);
      if (top !== null) counts.set(top, (counts.get(top) ?? 0) + 1);
      if (first.length < options.maxRows) first.push(row);
    }
  }
  return [
    summarySection(store, manifest, rows),
    section(
      `Skipped inputs (${manifest.skipped.count})`,
      skippedTable(manifest.skipped.items, manifest.skipped.count),
      "skipped",
    ),
    classesSection(counts, rows),
    await rowsSection(first, rows, manifest, storage, options),
  ];
}

function summarySection(store: ObjectStore, m: PredictManifest, rows: number): string {
  const facts: [string, string][] = [
    ["output", store.root],
    ["run", m.runId],
    ["images predicted (n)", String(m.n)],
    ["rows read", String(rows)],
    ["skipped", String(m.skipped.count)],
    ["source", m.source.uri],
    ["format", `${m.format}, ${m.parts.length} parts`],
    [
      "model",
      m.model === undefined ? "?" : `${m.model.location} (${m.model.runtime} on ${m.model.device})`,
    ],
    [
      "artifact",
      m.artifact === null || m.artifact === undefined ? "none (--no-stats)" : m.artifact.location,
    ],
    [
      "top-k",
      m.topK === null || m.topK === undefined
        ? "not written (best classes computed from the scores)"
        : `k = ${m.topK.k} of ${m.topK.output}${m.topK.labels === null ? "" : `, labels ${m.topK.labels}`}`,
    ],
  ];
  return section("Prediction", factsTable(facts), "summary");
}

function classesSection(counts: ReadonlyMap<string, number>, rows: number): string {
  if (counts.size === 0)
    return section("Top-1 classes", note("No row has scores to rank."), "classes");
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const bars: Bar[] = sorted.slice(0, MAX_BARS).map(([label, value]) => ({ label, value }));
  const rest = sorted.slice(MAX_BARS).reduce((a, [, v]) => a + v, 0);
  if (rest > 0) bars.push({ label: `${sorted.length - MAX_BARS} other classes`, value: rest });
  const chart = barChartSvg({ title: "Top-1 classes", bars });
  return section(
    "Top-1 classes",
    figure(
      chart,
      `How many of the ${rows} rows have each class as their best, most frequent first.`,
    ),
    "classes",
  );
}

async function rowsSection(
  first: readonly PredictionRow[],
  rows: number,
  m: PredictManifest,
  storage: Storage,
  options: ResolvedReportOptions,
): Promise<string> {
  const source = openSource(m.source.uri, storage);
  const table: string[][] = [];
  for (const row of first) {
    let thumb: string;
    try {
      const uri = await thumbnailDataUri(await source.read(row.key), options.thumbnailSize);
      thumb = `<img src="${uri}" alt="${escapeXml(row.key)}">`;
    } catch (err) {
      thumb = `<span class="note">no thumbnail: ${escapeXml((err as Error).message)}</span>`;
    }
    const classes = row.index.map(
      (_, j) => `${escapeXml(classLabel(row, j) ?? "?")}: ${formatScore(row.score[j]!)}`,
    );
    table.push([thumb, escapeXml(row.key), classes.join("<br>")]);
  }
  const more = rows - first.length;
  return section(
    "Rows",
    htmlTable(["image", "key", "best classes (score)"], table) +
      (more > 0 ? `<p>The first ${first.length} rows of ${rows} in key order.</p>` : ""),
    "rows",
  );
}

/** The j-th best class of a row as shown: its label with its index, or "class i". */
function classLabel(row: PredictionRow, j: number): string | null {
  const index = row.index[j];
  if (index === undefined) return null;
  const label = row.label?.[j];
  return label === null || label === undefined ? `class ${index}` : `${label} (${index})`;
}

function formatScore(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : String(v);
}
