import { describe, expect, it } from "vitest";
import { concatBytes, decodeNpy, encodeNpy } from "../codecs/index.js";
import { isFeaturewiseError } from "../errors.js";
import { createMoments } from "../moments.js";
import { encodeArtifact, loadStandardizeParams } from "./artifact-files.js";
import { parseStatsDocument } from "./parse-stats.js";
import { sha256Hex } from "./sha256.js";
import { ARTIFACT_FILES, type StatsDocument } from "./stats-document.js";

const D = 2 * 2 * 3;

/** A small ZCA artifact (2x2x3 images) as file name → bytes. */
async function artifact(): Promise<Map<string, Uint8Array>> {
  const doc: Omit<StatsDocument, "checksums"> = {
    schema: "featurewise.stats",
    schemaVersion: 2,
    featurewiseVersion: "test",
    createdAt: "2026-11-27T00:00:00.000Z",
    profile: "keras",
    requestedFlags: {
      featurewiseCenter: false,
      featurewiseStdNormalization: false,
      zcaWhitening: true,
    },
    flags: { featurewiseCenter: true, featurewiseStdNormalization: false, zcaWhitening: true },
    warnings: [],
    rescale: 1 / 255,
    zcaEpsilon: 1e-6,
    dataFormat: "channels_last",
    decode: { colorMode: "rgb", targetSize: null, interpolation: "nearest" },
    imageShape: [2, 2, 3],
    n: 3,
    skipped: { count: 0, items: [] },
    channelMean: [0.1, 0.2, 0.30000000000000004],
    channelStd: [0.25, 0.5, 0.125],
    files: {
      mean: ARTIFACT_FILES.mean,
      std: ARTIFACT_FILES.std,
      whitening: ARTIFACT_FILES.whitening,
      npz: ARTIFACT_FILES.npz,
      moments: ARTIFACT_FILES.moments,
    },
    source: { uri: "file:///x", listed: 3, fingerprint: "f" },
    backend: { name: "js", reason: "test" },
    timings: { seconds: 1, imagesPerSecond: 3, finalizeSeconds: 0 },
  };
  const whitening = Float64Array.from({ length: D * D }, (_, i) =>
    i % (D + 1) === 0 ? 1 : i / 1e4,
  );
  const stats = {
    n: 3,
    channelMean: Float64Array.from(doc.channelMean),
    channelStd: Float64Array.from(doc.channelStd),
    whitening,
  };
  const moments = { ...createMoments("full", D), n: 3 };
  const { files } = await encodeArtifact(doc, stats, moments);
  return new Map(files.map(([name, parts]) => [name, concatBytes(parts)]));
}

async function load(files: Map<string, Uint8Array>) {
  const doc = parseStatsDocument(
    new TextDecoder().decode(files.get("stats.json")),
    "file:///a/stats.json",
  );
  return loadStandardizeParams(doc, async (name) => {
    const bytes = files.get(name);
    if (bytes === undefined) throw new Error(`no ${name}`);
    return bytes;
  });
}

async function expectCorrupt(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected CORRUPT_ARTIFACT").not.toBeNull();
  expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

/** Rewrites stats.json with `edit` applied to its JSON. */
function editStats(files: Map<string, Uint8Array>, edit: (d: Record<string, unknown>) => void) {
  const d = JSON.parse(new TextDecoder().decode(files.get("stats.json"))) as Record<
    string,
    unknown
  >;
  edit(d);
  files.set("stats.json", new TextEncoder().encode(JSON.stringify(d)));
}

describe("artifact checksums and validation (issue 17, item 5)", () => {
  it("records the sha256 of every file in stats.json and loads an intact artifact", async () => {
    const files = await artifact();
    const doc = JSON.parse(new TextDecoder().decode(files.get("stats.json"))) as StatsDocument;
    expect(Object.keys(doc.checksums).sort()).toEqual(
      ["mean.npy", "moments.fwm", "stats.npz", "std.npy", "zca_whitening_matrix.npy"].sort(),
    );
    for (const [name, sum] of Object.entries(doc.checksums))
      expect(await sha256Hex([files.get(name)!]), name).toBe(sum);
    const params = await load(files);
    expect(Array.from(params.channelMean)).toEqual(doc.channelMean);
    expect(params.whitening?.length).toBe(D * D);
  });

  it("refuses a whitening matrix with one flipped bit, naming the file", async () => {
    const files = await artifact();
    const w = files.get(ARTIFACT_FILES.whitening)!.slice();
    w[w.length - 100]! ^= 1;
    files.set(ARTIFACT_FILES.whitening, w);
    await expectCorrupt(load(files), /zca_whitening_matrix\.npy fails its checksum/);
  });

  it("refuses mean.npy + 10 even with a matching checksum: it must equal channelMean", async () => {
    const files = await artifact();
    const mean = decodeNpy(files.get(ARTIFACT_FILES.mean)!);
    const bumped = encodeNpy(
      Float64Array.from(mean.data as Float64Array, (v) => v + 10),
      mean.shape,
    );
    files.set(ARTIFACT_FILES.mean, bumped);
    const sum = await sha256Hex([bumped]);
    editStats(files, (d) => {
      (d["checksums"] as Record<string, string>)["mean.npy"] = sum;
    });
    await expectCorrupt(
      load(files),
      /mean\.npy: channel 0 is 10\.1, but stats\.json's channelMean says 0\.1/,
    );
  });

  it("refuses an array of the wrong shape", async () => {
    const files = await artifact();
    const std = encodeNpy(new Float64Array(3), [3]);
    files.set(ARTIFACT_FILES.std, std);
    const sum = await sha256Hex([std]);
    editStats(files, (d) => {
      (d["checksums"] as Record<string, string>)["std.npy"] = sum;
    });
    await expectCorrupt(
      load(files),
      /std\.npy: expected float64 of shape \(1, 1, 3\), found float64 of shape \(3\)/,
    );
  });

  it.each<[string, (d: Record<string, unknown>) => void, RegExp]>([
    ['"rescale": "abc"', (d) => (d["rescale"] = "abc"), /rescale: .*expected number/],
    ['"rescale": 0', (d) => (d["rescale"] = 0), /rescale: a non-zero number/],
    ['"zcaEpsilon": -1', (d) => (d["zcaEpsilon"] = -1), /zcaEpsilon/],
    [
      '"schemaVersion": -5',
      (d) => (d["schemaVersion"] = -5),
      /schemaVersion -5 is not one this featurewise reads \(2\)/,
    ],
    ['"schemaVersion": 1', (d) => (d["schemaVersion"] = 1), /schemaVersion 1 records no checksums/],
    [
      "imageShape [100000, 100000, 3]",
      (d) => (d["imageShape"] = [100000, 100000, 3]),
      /imageShape: holds 30000000000 values an image, over the limit/,
    ],
    [
      "imageShape of 4 channels for rgb",
      (d) => (d["imageShape"] = [2, 1, 4]),
      /imageShape: has 4 channels, but colorMode rgb gives 3/,
    ],
    [
      "a missing checksum",
      (d) => delete (d["checksums"] as Record<string, string>)["std.npy"],
      /no sha256 for std\.npy/,
    ],
    [
      "a file name with a path",
      (d) => ((d["files"] as Record<string, string>)["mean"] = "../x.npy"),
      /files\.mean/,
    ],
    ["NaN as a string in channelMean", (d) => (d["channelMean"] = ["NaN", 0, 0]), /channelMean/],
    [
      "flags Keras never couples",
      (d) => ((d["flags"] as Record<string, boolean>)["featurewiseCenter"] = false),
      /flags/,
    ],
    [
      "a skipped count that disagrees",
      (d) => ((d["skipped"] as Record<string, number>)["count"] = 2),
      /skipped\.count/,
    ],
  ])("refuses stats.json with %s, naming the file and the field", async (_, edit, pattern) => {
    const files = await artifact();
    editStats(files, edit);
    await expectCorrupt(load(files), pattern);
    await expectCorrupt(
      load(files),
      /file:\/\/\/a\/stats\.json is not a valid featurewise stats\.json/,
    );
  });
});
