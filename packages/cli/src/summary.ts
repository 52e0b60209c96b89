import type { FitResult } from "@featurewise/fit";
import type { TransformResult } from "@featurewise/pipeline";
import type { PredictResult } from "@featurewise/predict";

/** The fit summary for people: counts, per-channel statistics, speed. */
export function formatFitSummary({ stats, location }: FitResult): string {
  const lines = [
    `fitted ${countOf(stats.n, "image")} (${stats.skipped.count} skipped) in ${stats.timings.seconds.toFixed(2)} s, ` +
      `${formatRate(stats.n + stats.skipped.count, stats.timings.seconds)}backend ${stats.backend.name}`,
    "channel  mean          std",
    ...stats.channelMean.map(
      (m, c) => `${String(c).padEnd(8)} ${fmt(m)}  ${fmt(stats.channelStd[c]!)}`,
    ),
  ];
  for (const w of stats.warnings) lines.push(`warning: ${w}`);
  const shown = stats.skipped.items.slice(0, 10);
  for (const s of shown) lines.push(`skipped ${s.key}: ${s.reason}`);
  if (stats.skipped.count > shown.length) {
    lines.push(
      `... and ${stats.skipped.count - shown.length} more skipped (all listed in stats.json)`,
    );
  }
  lines.push(`artifact: ${location}`);
  return lines.join("\n");
}

/** The fit summary for programs (`--json`). */
export function fitSummaryJson({ stats, location }: FitResult): object {
  return {
    n: stats.n,
    skipped: stats.skipped.count,
    skippedItems: stats.skipped.items,
    channelMean: stats.channelMean,
    channelStd: stats.channelStd,
    seconds: stats.timings.seconds,
    imagesPerSecond: stats.timings.imagesPerSecond,
    backend: stats.backend,
    flags: stats.flags,
    warnings: stats.warnings,
    artifact: location,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** What `transform` prints. */
export function formatTransformSummary(r: TransformResult): string {
  const lines = [
    `wrote ${countOf(r.count, "image")} as (${r.shape.join(", ")}) to ${r.location} (${r.skipped.length} skipped)`,
  ];
  for (const s of r.skipped) lines.push(`skipped ${s.key}: ${s.reason}`);
  return lines.join("\n");
}

function fmt(v: number): string {
  return v.toPrecision(8).padEnd(12);
}

/** "1 image", "2 images". */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * "2,950 images/s, " (with its separator), or nothing when the rate says
 * nothing: fewer than two images, or no measurable time. Two significant
 * digits under 100/s, so a slow fit does not read "0 images/s".
 */
export function formatRate(images: number, seconds: number): string {
  if (images < 2 || !(seconds > 0)) return "";
  const rate = images / seconds;
  const text = rate >= 100 ? rate.toFixed(0) : String(Number(rate.toPrecision(2)));
  return `${text} images/s, `;
}

/** What `predict` prints. */
export function formatPredictSummary({ manifest: m, location }: PredictResult): string {
  const lines = [
    `predicted ${countOf(m.n, "image")} (${m.skipped.count} skipped) in ${m.timings.seconds.toFixed(2)} s, ` +
      `${formatRate(m.n + m.skipped.count, m.timings.seconds)}${m.parts.length} ${m.format} ${m.parts.length === 1 ? "part" : "parts"}` +
      (m.timings.partsReused > 0 ? ` (${m.timings.partsReused} kept from the earlier try)` : ""),
    `model: ${m.model.reason}`,
  ];
  const shown = m.skipped.items.slice(0, 10);
  for (const s of shown) lines.push(`skipped ${s.key}: ${s.reason}`);
  if (m.skipped.count > shown.length) {
    lines.push(
      `... and ${m.skipped.count - shown.length} more skipped (all listed in manifest.json)`,
    );
  }
  lines.push(`output: ${location}`);
  return lines.join("\n");
}

/** The predict summary for programs (`--json`). */
export function predictSummaryJson({ manifest: m, location }: PredictResult): object {
  return {
    n: m.n,
    skipped: m.skipped.count,
    skippedItems: m.skipped.items,
    parts: m.parts.length,
    partsReused: m.timings.partsReused,
    format: m.format,
    seconds: m.timings.seconds,
    imagesPerSecond: m.timings.imagesPerSecond,
    runtime: m.model.runtime,
    device: m.model.device,
    reason: m.model.reason,
    runId: m.runId,
    output: location,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
