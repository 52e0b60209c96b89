/**
 * A fit report's sample: the first images of the source, in a grid before
 * and after Keras' standardize with the artifact, and the histograms of
 * their values per channel.
 */
import { channelIndex, flatSize, writeImageRow, type LinearAlgebra } from "@featurewise/core";
import { standardizeRows, type LoadedArtifact } from "@featurewise/pipeline";
import type { Storage } from "@featurewise/storage";
import { histogramCounts, histogramSvg } from "../charts/histogram.js";
import { escapeXml } from "../charts/svg.js";
import { figure, note, section } from "../html/page.js";
import { robustScale, tileGrid, valuesToPicture } from "../images/pixel-grid.js";
import { pictureImage } from "../images/png.js";
import type { ResolvedReportOptions } from "../report-options.js";
import { channelStyles } from "./channels.js";
import { sampleSource } from "./sample-images.js";

const BINS = 64;

/** The "Sample images" section; a source that cannot be read is said in the section. */
export async function sampleSection(
  artifact: LoadedArtifact,
  storage: Storage,
  la: LinearAlgebra,
  options: ResolvedReportOptions,
): Promise<string> {
  const { doc, params } = artifact;
  const shape = params.imageShape;
  let sample;
  try {
    sample = await sampleSource(storage, doc.source.uri, doc.decode, shape, options.sampleSize);
  } catch (err) {
    return section(
      "Sample images",
      note(
        `The source ${doc.source.uri} could not be read for a sample: ${(err as Error).message}`,
      ),
      "sample",
    );
  }
  const rows = sample.images.length;
  if (rows === 0) {
    return section("Sample images", note(`No usable image found in ${doc.source.uri}.`), "sample");
  }
  const dim = flatSize(shape);
  const before = new Float64Array(rows * dim);
  sample.images.forEach((image, r) =>
    writeImageRow(image.data, shape, doc.dataFormat, before, r * dim),
  );
  const after = await standardizeRows(before.slice(), rows, params, la);
  const scale = robustScale(after);
  const grid = (values: Float64Array, gain: number, offset: number) =>
    tileGrid(
      Array.from({ length: rows }, (_, r) =>
        valuesToPicture(
          values.subarray(r * dim, (r + 1) * dim),
          shape,
          doc.dataFormat,
          gain,
          offset,
        ),
      ),
    );
  const styles = channelStyles(shape.channels);
  const channelOf = channelIndex(shape, doc.dataFormat);
  const perChannel = (values: Float64Array, range: [number, number]) =>
    styles.map((s, c) => ({
      label: s.label,
      colour: s.colour,
      counts: histogramCounts(
        values.filter((_, i) => channelOf[i % dim] === c),
        range,
        BINS,
      ),
    }));
  const what = doc.flags.zcaWhitening ? "whitening" : "standardization";
  const body = [
    `<p>The first ${rows} usable images of ${escapeXml(doc.source.uri)} in key order, decoded with the artifact's settings.</p>`,
    figure(await pictureImage(grid(before, 1, 0), "sample before"), `Before: the decoded pixels.`),
    figure(
      await pictureImage(grid(after, 127.5 / scale, 127.5), `sample after ${what}`),
      `After ${what} (Keras' standardize with this artifact): 0 is mid grey, ±${scale.toPrecision(3)} (the 99th percentile of |value|) black and white.`,
    ),
    figure(
      histogramSvg({
        title: "Pixel values before",
        range: [0, 255],
        series: perChannel(before, [0, 255]),
      }),
      `Decoded pixel values per channel over the ${rows} sample images (${BINS} bins; each line is its channel's share).`,
    ),
    figure(
      histogramSvg({
        title: `Values after ${what}`,
        range: [-scale, scale],
        series: perChannel(after, [-scale, scale]),
        xLabel: "standardized value",
      }),
      `The same images' values after ${what}; values beyond ±${scale.toPrecision(3)} fall in the end bins.`,
    ),
  ];
  if (sample.skipped.length > 0) {
    body.push(
      note(
        `${sample.skipped.length} inputs met while sampling could not be used (see Skipped inputs).`,
      ),
    );
  }
  return section("Sample images", body.join("\n"), "sample");
}
