import type { PredictStatus } from "@featurewise/predict/cluster/client";

/** A predict run's status for people: state, parts, images, rate, ETA, failure, manifest. */
export function formatPredictStatus(s: PredictStatus, now: number = Date.now()): string {
  const ago = (ms: number): string => `${((now - ms) / 1000).toFixed(0)} s ago`;
  const lines = [
    `${s.predictId}: ${s.state}`,
    `  source:    ${s.source}`,
    `  model:     ${s.model}`,
    `  out:       ${s.out}`,
    `  parts:     ${s.partsDone}/${s.partsTotal ?? "?"} done` +
      (s.partsReused > 0 ? ` (${s.partsReused} kept from an earlier try)` : ""),
    `  images:    ${s.images}/${s.imagesTotal ?? "?"} (${s.skipped} skipped), ` +
      `${s.imagesPerSecond.toFixed(0)} images/s` +
      (s.etaSeconds === null ? "" : `, ETA ${s.etaSeconds.toFixed(0)} s`),
    `  submitted: ${new Date(s.submittedAt).toISOString()} (${ago(s.submittedAt)}), last change ${ago(s.updatedAt)}`,
  ];
  if (s.failure !== null) {
    lines.push(
      `  failure:   ${s.failure.code === null ? "" : `${s.failure.code} `}${s.failure.message}` +
        (s.failure.job === "" ? "" : ` (job ${s.failure.job})`),
    );
  }
  if (s.manifest !== null) lines.push(`  manifest:  ${s.manifest}`);
  return lines.join("\n");
}
