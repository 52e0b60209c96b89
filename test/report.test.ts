/**
 * `featurewise report` on real runs: a std fit and a ZCA fit of real PNGs
 * (one unreadable file among them), and predict runs of the CIFAR-shaped
 * fixture model (parquet with top-k and labels, npy without), each turned
 * into one self-contained HTML file by the built CLI. Bad targets fail with
 * the existing error codes. The reports open in Debian's headless Chromium
 * (puppeteer-core driving /usr/bin/chromium) with no request made, every
 * picture loaded, and screenshots that are not blank.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readArtifact, selectBackend } from "@featurewise/pipeline";
import { whiteningSpectrum } from "@featurewise/report";
import { Storage } from "@featurewise/storage";
import type { Browser } from "puppeteer-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOk } from "./helpers/cli.js";
import { MODELS } from "./helpers/predict.js";

let tmp: string;
const BROKEN = "zz-broken.png";

/** A folder with the fixture's PNGs of `size` and one file that is not an image. */
function imagesWithBrokenFile(size: string): string {
  const dir = path.join(tmp, `images-${size}`);
  cpSync(path.join(MODELS, "images", size), dir, { recursive: true });
  writeFileSync(path.join(dir, BROKEN), "not a png");
  return dir;
}

const report = async (target: string, name: string, ...more: string[]) => {
  const out = path.join(tmp, name);
  const run = await runCliOk(["report", target, "--out", out, ...more]);
  expect(run.stdout).toMatch(/^report: file:\/\/.*KiB\)\n$/);
  return readFileSync(out, "utf8");
};

/** What makes a report self-contained: no script, nothing loaded from anywhere but data: URIs. */
function expectSelfContained(html: string): void {
  expect(html).toMatch(/^<!DOCTYPE html>/);
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain("default-src 'none'");
  for (const m of html.matchAll(/\b(?:src|href)="([^"]*)"/g))
    expect(m[1]).toMatch(/^data:image\/png;base64,/);
  expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:\/\//);
}

let std32: string;
let zca16: string;
let images32: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-report-"));
  images32 = imagesWithBrokenFile("32x32x3");
  const images16 = imagesWithBrokenFile("16x16x3");
  std32 = path.join(tmp, "std32");
  zca16 = path.join(tmp, "zca16");
  const fit = (src: string, out: string, ...flags: string[]) =>
    runCliOk(["fit", src, "--out", out, "--rescale", "1/255", "--max-skipped", "100%", ...flags]);
  await Promise.all([fit(images32, std32, "--center", "--std"), fit(images16, zca16, "--zca")]);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("featurewise report <artifact>", () => {
  it("std fit: n, the skipped file with its reason, swatches, mean/std images, histograms, sample grids", async () => {
    const html = await report(std32, "std.html", "--sample", "12");
    expectSelfContained(html);
    expect(html).toContain("<th>images used (n)</th><td>20</td>");
    expect(html).toContain("Skipped inputs (1)");
    expect(html).toMatch(new RegExp(`<td>${BROKEN}</td><td>[^<]+</td>`));
    for (const id of ["summary", "skipped", "mean-std", "sample"])
      expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain('id="spectrum"');
    expect(html.match(/class="swatch"/g)).toHaveLength(4 + 3); // mean colour + R, G, B; std R, G, B
    expect(html).toContain("The first 12 usable images");
    // mean image, std image, the sample before and after
    expect(html.match(/<img class="pixels" src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html.match(/class="series"/g)).toHaveLength(6); // 3 channels, before and after
  });

  it("ZCA fit: the eigenvalue spectrum on a log scale with the epsilon level, n of D directions kept", async () => {
    const html = await report(zca16, "zca.html");
    expectSelfContained(html);
    expect(html).toContain('id="spectrum"');
    const points = /class="spectrum" points="([^"]*)"/.exec(html)![1]!.split(" ");
    // profile keras keeps min(n, D) = 20 directions of D = 768
    expect(points).toHaveLength(20);
    expect(html).toContain("748 of 768 directions are dropped");
    expect(html).toContain('class="epsilon"');
    expect(html).toContain("After whitening");

    // Over --max-dim the D×D work is left out, and the report says so.
    const small = await report(zca16, "zca-small.html", "--max-dim", "700", "--sample", "4");
    expect(small).not.toContain('class="spectrum"');
    expect(small).toContain("the whitening matrix is 768x768, over the report&#39;s limit of 700");
    expect(small).toContain("D = 768 values, over the report&#39;s limit of 700");
  });

  it("the spectrum recovered from W holds the fit's variance: Σ s = H·W·Σ σ_c²", async () => {
    const storage = new Storage();
    const backend = selectBackend("auto");
    try {
      const { doc, params } = await readArtifact(storage, zca16);
      const d = 16 * 16 * 3;
      const { values } = await backend.la.eigh(params.whitening!, d);
      const s = whiteningSpectrum(values, doc.profile, doc.n, doc.zcaEpsilon);
      const trace = s.values.reduce((a, b) => a + b, 0);
      const expected = 16 * 16 * doc.channelStd.reduce((a, b) => a + b * b, 0);
      expect(Math.abs(trace - expected) / expected).toBeLessThan(1e-6);
    } finally {
      backend.dispose();
      storage.close();
    }
  });

  it("refuses a folder without stats.json or manifest.json, and a corrupt artifact, with the existing codes", async () => {
    const empty = path.join(tmp, "empty");
    cpSync(path.join(MODELS, "images", "16x16x3"), empty, { recursive: true });
    const missing = await runCli(["report", empty, "--out", path.join(tmp, "x.html")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/neither stats\.json nor manifest\.json/);

    const corrupt = path.join(tmp, "corrupt");
    cpSync(std32, corrupt, { recursive: true });
    const mean = path.join(corrupt, "mean.npy");
    const bytes = readFileSync(mean);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(mean, bytes);
    const bad = await runCli(["report", corrupt, "--out", path.join(tmp, "y.html")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/featurewise: error: .*corrupt.*mean\.npy/);

    const usage = await runCli([
      "report",
      std32,
      "--out",
      path.join(tmp, "z.html"),
      "--sample",
      "0",
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--sample/);
  });

  it("--help names the target kinds and the options", async () => {
    const help = await runCliOk(["report", "--help"]);
    for (const flag of ["--out", "--sample", "--rows", "--max-dim", "--backend", "manifest.json"]) {
      expect(help.stdout).toContain(flag);
    }
  });
});

describe("featurewise report <prediction-folder>", () => {
  const model = path.join(MODELS, "cifar-cnn", "model.onnx");
  const predict = (out: string, ...flags: string[]) =>
    runCliOk([
      "predict",
      images32,
      "--model",
      model,
      "--stats",
      std32,
      "--out",
      out,
      "--images-per-shard",
      "8",
      "--max-skipped",
      "100%",
      ...flags,
    ]);

  it("parquet with top-k and labels: the top-1 histogram by label, rows with thumbnails", async () => {
    const labels = path.join(tmp, "labels.txt");
    writeFileSync(labels, Array.from({ length: 10 }, (_, i) => `label<${i}>`).join("\n") + "\n");
    const out = path.join(tmp, "pred-parquet");
    await predict(out, "--top-k", "3", "--labels", labels);
    const html = await report(out, "pred.html", "--rows", "5");
    expectSelfContained(html);
    expect(html).toContain("<th>images predicted (n)</th><td>20</td>");
    expect(html).toContain("Skipped inputs (1)");
    expect(html).toContain(`<td>${BROKEN}</td>`);
    const bars = [
      ...html.matchAll(/<g class="bar">.*?<\/text><rect[^>]*><text[^>]*>(\d+)<\/text><\/g>/g),
    ];
    expect(bars.reduce((a, m) => a + Number(m[1]), 0)).toBe(20);
    expect(html).toMatch(/label&lt;\d&gt; \(\d\)/);
    const rows = html.slice(html.indexOf('id="rows"'));
    expect(rows.match(/<img src="data:image\/png;base64,/g)).toHaveLength(5);
    expect(rows.match(/<br>/g)).toHaveLength(5 * 2); // 3 classes a row
    expect(rows).toContain("The first 5 rows of 20");
  });

  it("npy without top-k: the best classes computed from the scores; a part altered after the run is refused", async () => {
    const out = path.join(tmp, "pred-npy");
    await predict(out, "--format", "npy");
    const html = await report(out, "pred-npy.html");
    expect(html).toMatch(/class \d: /);
    const bars = [
      ...html.matchAll(/<g class="bar">.*?<\/text><rect[^>]*><text[^>]*>(\d+)<\/text><\/g>/g),
    ];
    expect(bars.reduce((a, m) => a + Number(m[1]), 0)).toBe(20);

    const part = path.join(out, "part-000001.npy");
    const bytes = readFileSync(part);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(part, bytes);
    const bad = await runCli(["report", out, "--out", path.join(tmp, "bad.html")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/part-000001\.npy's sha256 differs/);

    // A hostile manifest: a part file outside the folder, then no JSON at all.
    const manifestFile = path.join(out, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
      parts: { files: { name: string }[] }[];
    };
    manifest.parts[0]!.files[0]!.name = "../../../etc/passwd";
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const escape = await runCli(["report", out, "--out", path.join(tmp, "bad.html")]);
    expect(escape.code).toBe(1);
    expect(escape.stderr).toMatch(
      /\.\.\/\.\.\/\.\.\/etc\/passwd, listed in manifest\.json, cannot be read: .*escapes/,
    );
    writeFileSync(manifestFile, "{ not json");
    const garbled = await runCli(["report", out, "--out", path.join(tmp, "bad.html")]);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(/manifest\.json is not JSON/);
  });
});

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  console.warn(`report browser test skipped: no ${CHROMIUM} (Debian: apt-get install chromium)`);
}

/** The per-channel standard deviation of a screenshot's pixels (0 for a blank one). */
async function pixelSpread(png: Uint8Array): Promise<number> {
  const stats = await sharp(png).removeAlpha().stats();
  return Math.max(...stats.channels.map((c) => c.stdev));
}

describe.skipIf(!HAS_CHROMIUM)("the reports in headless Chromium", () => {
  // Kept with REPORT_SCREENSHOTS=<folder>; otherwise written under the test's temporary folder.
  let shots: string;
  let browser: Browser;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    shots = process.env["REPORT_SCREENSHOTS"] ?? path.join(tmp, "screenshots");
    mkdirSync(shots, { recursive: true });
    const out = path.join(tmp, "pred-browser");
    await runCliOk([
      "predict",
      images32,
      "--model",
      path.join(MODELS, "cifar-cnn", "model.onnx"),
      "--stats",
      std32,
      "--out",
      out,
      "--top-k",
      "3",
      "--max-skipped",
      "100%",
    ]);
    for (const [name, target] of [
      ["std", std32],
      ["zca", zca16],
      ["prediction", out],
    ] as const) {
      const file = path.join(tmp, `browser-${name}.html`);
      await runCliOk(["report", target, "--out", file, "--rows", "8", "--sample", "16"]);
      pages.set(name, file);
    }
    const { default: puppeteer } = await import("puppeteer-core");
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens `file` in a new page that records every request but data: URIs and refuses all but the file. */
  async function openRecording(file: string) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    const url = `file://${file}`;
    const requests: string[] = [];
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      const u = req.url();
      if (!u.startsWith("data:")) requests.push(u);
      if (u === url || u.startsWith("data:")) void req.continue();
      else void req.abort();
    });
    await page.goto(url, { waitUntil: "load" });
    return { page, url, requests };
  }

  it("the recording sees a request when a page has one (the check below can fail)", async () => {
    const html = readFileSync(pages.get("std")!, "utf8")
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "")
      .replace("<body>", '<body><img src="http://127.0.0.1:9/probe.png">');
    const control = path.join(tmp, "control.html");
    writeFileSync(control, html);
    const { page, url, requests } = await openRecording(control);
    await page.close();
    expect(requests).toEqual([url, "http://127.0.0.1:9/probe.png"]);
  });

  it.each([
    ["std", ["#mean-std", "#sample"]],
    ["zca", ["#spectrum", "#sample"]],
    ["prediction", ["#classes", "#rows"]],
  ] as const)(
    "%s report: no request but the file itself, every picture loaded, screenshots not blank",
    async (name, parts) => {
      const { page, url, requests } = await openRecording(pages.get(name)!);
      try {
        expect(requests).toEqual([url]);
        // A string, evaluated in the page: this project's TypeScript has no DOM types.
        const images = (await page.evaluate(
          "Array.from(document.images, (i) => i.complete && i.naturalWidth > 0)",
        )) as boolean[];
        expect(images.length).toBeGreaterThan(0);
        expect(images.every(Boolean)).toBe(true);
        const full = await page.screenshot({
          fullPage: true,
          path: path.join(shots, `${name}.png`),
        });
        expect(await pixelSpread(full)).toBeGreaterThan(20);
        for (const selector of parts) {
          const element = await page.$(selector);
          expect(element, selector).not.toBeNull();
          const file = path.join(shots, `${name}-${selector.slice(1)}.png`);
          const shot = await element!.screenshot({ path: file });
          expect(await pixelSpread(shot), `${selector} is blank`).toBeGreaterThan(20);
        }
      } finally {
        await page.close();
      }
    },
  );
});
