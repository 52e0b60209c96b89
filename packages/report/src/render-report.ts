/**
 * `renderReport`: the one code path behind `featurewise report` and the
 * console's report page. The target is an artifact (stats.json) or a
 * prediction output folder (manifest.json), local or on S3.
 */
import {
  ARTIFACT_FILES,
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
} from "@featurewise/core";
import { readArtifact, selectBackend } from "@featurewise/pipeline";
import { MANIFEST } from "@featurewise/predict";
import { Storage, type ObjectStore } from "@featurewise/storage";
import { fitReportSections } from "./fit/fit-report.js";
import { htmlPage } from "./html/page.js";
import { parseManifest, predictionReportSections } from "./prediction/prediction-report.js";
import { REPORT_DEFAULTS, type ReportOptions } from "./report-options.js";

/**
 * One self-contained HTML document reporting on `target`: CSS inline,
 * pictures as data: URIs and charts as inline SVG, no script, nothing
 * fetched when it is opened.
 * @param target - an artifact's folder or s3:// prefix, or a prediction output folder
 * @throws FeaturewiseError NOT_FOUND when `target` holds neither stats.json nor
 *   manifest.json; CORRUPT_ARTIFACT when a file fails its checksum or cannot be parsed
 */
export async function renderReport(target: string, options: ReportOptions = {}): Promise<string> {
  const resolved = { ...REPORT_DEFAULTS, ...withoutUndefined(options) };
  const storage = options.storage ?? new Storage();
  try {
    const store = storage.open(target);
    if (await exists(store, ARTIFACT_FILES.stats)) {
      const artifact = await readArtifact(storage, target);
      const backend = selectBackend(resolved.backend);
      try {
        const sections = await fitReportSections(artifact, storage, backend.la, resolved);
        return htmlPage(`Fit report: ${artifact.location}`, sections);
      } finally {
        backend.dispose();
      }
    }
    if (await exists(store, MANIFEST)) {
      const manifest = parseManifest(await store.get(MANIFEST), store.root);
      const sections = await predictionReportSections(store, manifest, storage, resolved);
      return htmlPage(`Prediction report: ${store.root}`, sections);
    }
    throw new FeaturewiseError(
      ErrorCodes.NOT_FOUND,
      `${target}: there is neither ${ARTIFACT_FILES.stats} nor ${MANIFEST} at ${store.root}; expected an artifact written by featurewise fit or an output folder of featurewise predict`,
    );
  } finally {
    if (options.storage === undefined) storage.close();
  }
}

async function exists(store: ObjectStore, name: string): Promise<boolean> {
  try {
    await store.get(name);
    return true;
  } catch (err) {
    if (isFeaturewiseError(err, ErrorCodes.NOT_FOUND)) return false;
    throw err;
  }
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
