/**
 * The report of a fit: what was fitted (n, skipped, settings), the mean and
 * std per channel and per pixel, the whitening's spectrum, and a sample of
 * the source before and after standardization.
 */
import {
  ARTIFACT_FILES,
  decodePackedMoments,
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  sha256Hex,
  type LinearAlgebra,
} from "@featurewise/core";
import type { LoadedArtifact } from "@featurewise/pipeline";
import type { Storage } from "@featurewise/storage";
import { spectrumSvg } from "../charts/spectrum.js";
import { swatchesSvg } from "../charts/swatches.js";
import { factsTable, figure, note, section, skippedTable } from "../html/page.js";
import { valuesToPicture } from "../images/pixel-grid.js";
import { pictureImage } from "../images/png.js";
import type { ResolvedReportOptions } from "../report-options.js";
import { meanSwatches, stdSwatches } from "./channels.js";
import { sampleSection } from "./sample-section.js";
import { whiteningSpectrum } from "./whitening-spectrum.js";

/** The sections of a fit's report. */
export async function fitReportSections(
  artifact: LoadedArtifact,
  storage: Storage,
  la: LinearAlgebra,
  options: ResolvedReportOptions,
): Promise<string[]> {
  const { doc } = artifact;
  const dim = flatSize(artifact.params.imageShape);
  return [
    summarySection(artifact),
    section(
      `Skipped inputs (${doc.skipped.count})`,
      skippedTable(doc.skipped.items, doc.skipped.count),
      "skipped",
    ),
    await meanStdSection(artifact, storage, dim, options),
    ...(doc.flags.zcaWhitening ? [await spectrumSection(artifact, la, dim, options)] : []),
    await sampleSection(artifact, storage, la, options),
  ];
}

function summarySection({ doc, location }: LoadedArtifact): string {
  const flags = Object.entries(doc.flags)
    .filter(([, on]) => on)
    .map(([name]) => name);
  const d = doc.decode;
  const rows: [string, string][] = [
    ["artifact", location],
    ["images used (n)", String(doc.n)],
    ["listed", String(doc.source.listed)],
    ["skipped", String(doc.skipped.count)],
    ["source", doc.source.uri],
    ["image shape", `${doc.imageShape.join("x")} (${doc.dataFormat})`],
    [
      "decode",
      `${d.colorMode}, ${d.targetSize === null ? "own size" : d.targetSize.join("x")}, ${d.interpolation}`,
    ],
    ["profile", doc.profile],
    ["flags", flags.length > 0 ? flags.join(", ") : "none"],
    ["rescale", doc.rescale === null ? "none" : String(doc.rescale)],
    ...(doc.flags.zcaWhitening
      ? [["zca_epsilon", String(doc.zcaEpsilon)] as [string, string]]
      : []),
    ["backend", `${doc.backend.name} (${doc.backend.reason})`],
    ["created", `${doc.createdAt} by featurewise ${doc.featurewiseVersion}`],
  ];
  const warnings = doc.warnings.map((w) => note(`Keras: ${w}`)).join("");
  return section("Fit", factsTable(rows) + warnings, "summary");
}

async function meanStdSection(
  artifact: LoadedArtifact,
  storage: Storage,
  dim: number,
  options: ResolvedReportOptions,
): Promise<string> {
  const { doc } = artifact;
  const parts = [
    figure(
      swatchesSvg("Per-channel mean", meanSwatches(doc)),
      "Each channel's mean as its colour (values in the artifact's units, after rescale).",
    ),
    figure(
      swatchesSvg("Per-channel std", stdSwatches(doc)),
      "Each channel's std; the brightness is σ against 127.5, the largest std 8-bit pixels can have.",
    ),
  ];
  if (dim > options.maxDim) {
    parts.push(
      note(
        `The mean and std images are left out: the images have D = ${dim} values, over the report's limit of ${options.maxDim} (maxDim).`,
      ),
    );
  } else {
    const { mean, std } = await pixelMoments(artifact, storage);
    const shape = artifact.params.imageShape;
    const stdMax = Math.max(1e-12, ...std);
    parts.push(
      figure(
        await pictureImage(valuesToPicture(mean, shape, doc.dataFormat, 1, 0), "mean image"),
        "The mean image: each pixel's mean over the n images (moments.fwm), in 0–255 pixel units.",
      ),
      figure(
        await pictureImage(
          valuesToPicture(std, shape, doc.dataFormat, 255 / stdMax, 0),
          "std image",
        ),
        `The std image: each pixel's std over the n images, stretched so the largest (${stdMax.toFixed(2)} of 255) is white.`,
      ),
    );
  }
  return section("Mean and std", parts.join("\n"), "mean-std");
}

/** Each pixel's mean and std (0–255 units) from the artifact's moments, checked against stats.json. */
async function pixelMoments(
  { doc, location }: LoadedArtifact,
  storage: Storage,
): Promise<{ mean: Float64Array; std: Float64Array }> {
  const name = doc.files.moments;
  const bytes = await storage.open(location).get(name);
  if ((await sha256Hex([bytes])) !== doc.checksums[name]) {
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${location}: ${name}'s sha256 differs from the one ${ARTIFACT_FILES.stats} records`,
    );
  }
  const m = decodePackedMoments(bytes);
  const std = new Float64Array(m.dim);
  for (let p = 0; p < m.dim; p++) {
    const diag = m.kind === "full" ? (p * (p + 1)) / 2 + p : p;
    std[p] = m.n > 0 ? Math.sqrt(Math.max(0, m.comoment[diag]! / m.n)) : 0;
  }
  return { mean: Float64Array.from(m.mean), std };
}

async function spectrumSection(
  artifact: LoadedArtifact,
  la: LinearAlgebra,
  dim: number,
  options: ResolvedReportOptions,
): Promise<string> {
  const { doc, params } = artifact;
  if (dim > options.maxDim || params.whitening === null) {
    return section(
      "Eigenvalue spectrum",
      note(
        `Left out: the whitening matrix is ${dim}x${dim}, over the report's limit of ${options.maxDim} (maxDim).`,
      ),
      "spectrum",
    );
  }
  const { values } = await la.eigh(params.whitening, dim);
  const spectrum = whiteningSpectrum(values, doc.profile, doc.n, doc.zcaEpsilon);
  const chart = spectrumSvg({
    title: "Eigenvalue spectrum of the centred covariance",
    values: spectrum.values,
    epsilonLevel: spectrum.epsilonLevel,
    epsilonLabel: `ε level (${spectrum.epsilonLevel.toExponential(2)})`,
  });
  const caption =
    `The eigenvalues s = λ/n of the per-channel-centred covariance of the ${doc.n} (rescaled) images, ` +
    `recovered from the eigenvalues of zca_whitening_matrix.npy (${la.name} eigh; profile ${doc.profile}). ` +
    `${spectrum.epsilonMeaning}.` +
    (spectrum.dropped > 0
      ? ` ${spectrum.dropped} of ${dim} directions are dropped (n < D), not drawn.`
      : "");
  return section("Eigenvalue spectrum", figure(chart, caption), "spectrum");
}
