import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCliOk } from "./helpers/cli.js";
import { uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { startServe, type ServeProcess } from "./helpers/serve.js";
import { startWorker, tearDownCluster, type WorkerProcess } from "./helpers/workers.js";

// The web console in Debian's headless Chromium (puppeteer-core driving
// /usr/bin/chromium; .ci/run installs it): sign in, submit a fit in the
// form, watch it finish live, open its report, and the pages load nothing
// from elsewhere.
const CHROMIUM = "/usr/bin/chromium";
let redis: TestRedis;
let work: string;
let images: string;
let server: ServeProcess;
let browser: Browser;
let token: string;
const prefix = uniquePrefix("serve-ui");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-serve-ui-"));
  images = path.join(work, "images");
  await writeSyntheticImages(images, { count: 60, height: 8, width: 8 });
  const key = JSON.parse(
    (await runCliOk(["keys", "create", "--name", "ui", "--scopes", "read,submit", "--json"]))
      .stdout,
  ) as { token: string; line: string };
  token = key.token;
  writeFileSync(path.join(work, "keys"), `${key.line}\n`);
  const env = { REDIS_URL: redis.url, FEATUREWISE_QUEUE_PREFIX: prefix };
  [server] = await Promise.all([
    startServe(["--keys", path.join(work, "keys"), "--allow", `${work}/`], env),
    startWorker({ redisUrl: redis.url, prefix, name: "ui" }).then((w) => workers.push(w)),
  ]);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await tearDownCluster(workers, redis, prefix, work);
});

/** True when the screenshot has more than one colour worth speaking of. */
async function notBlank(png: Uint8Array): Promise<boolean> {
  const stats = await sharp(png).stats();
  return stats.channels.some((c) => c.stdev > 5);
}

describe("featurewise serve: the web console in Chromium", () => {
  it("signs in, submits a fit in the form, follows it live to the end, and asks nothing of the network", async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const elsewhere: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) elsewhere.push(r.url());
    });
    await page.goto(`${server.url}/login`);
    await page.type("input[name=token]", token);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    expect(new URL(page.url()).pathname).toBe("/");
    const body = JSON.stringify({
      source: images,
      out: path.join(work, "from-console"),
      std: true,
      imagesPerShard: 10,
    });
    await page.$eval(
      "textarea[name=body]",
      (el, value) => ((el as unknown as { value: string }).value = value),
      body,
    );
    await Promise.all([page.waitForNavigation(), page.click("#submit button[type=submit]")]);
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    expect(id).toMatch(/^fit-/);
    // The page follows the run's events and reloads once it has ended (browser-side code as
    // strings: the tests are compiled without the DOM's types).
    await page.waitForFunction(
      `document.querySelector("[data-state]")?.textContent === "succeeded" && document.querySelector("details pre") !== null`,
      { timeout: 120_000, polling: 200 },
    );
    const text = await page.$eval("main", (el) => el.textContent ?? "");
    expect(text).toContain("60 images (0 skipped)");
    expect(text).toContain('"schema": "featurewise.stats"');
    const runShot = await page.screenshot({ path: path.join(work, "run.png"), fullPage: true });
    expect(await notBlank(runShot)).toBe(true);
    // The run's report (the same HTML as `featurewise report`), as the page's frame loads it.
    expect(await page.$(`iframe[src="/fits/${id}/report"]`)).not.toBeNull();
    const report = await page.goto(`${server.url}/fits/${id}/report`);
    expect(report?.status()).toBe(200);
    expect(await page.$eval("h1", (h) => h.textContent ?? "")).toMatch(/^Fit report: /);
    expect(await page.$$eval("img", (imgs) => imgs.length)).toBeGreaterThan(0);
    const reportShot = await page.screenshot({
      path: path.join(work, "report.png"),
      fullPage: true,
    });
    expect(await notBlank(reportShot)).toBe(true);

    await page.goto(`${server.url}/`);
    expect(await page.$eval(`a[href="/fits/${id}"]`, (a) => a.textContent)).toBe(id);
    const listShot = await page.screenshot({ path: path.join(work, "runs.png") });
    expect(await notBlank(listShot)).toBe(true);
    await page.goto(`${server.url}/docs`);
    expect(await page.$eval("h1", (h) => h.textContent)).toBe("featurewise API");
    expect(elsewhere).toEqual([]);
    await page.close();
  });

  it("a submission the server refuses shows its problem in the form", async () => {
    const page = await browser.newPage();
    await page.setCookie({ name: "fw_token", value: token, url: server.url });
    await page.goto(`${server.url}/`);
    await page.$eval(
      "textarea[name=body]",
      (el) =>
        ((el as unknown as { value: string }).value = JSON.stringify({
          source: "/etc",
          out: "/tmp/x",
        })),
    );
    await page.click("#submit button[type=submit]");
    await page.waitForFunction(`document.getElementById("submit-result")?.textContent !== ""`, {
      timeout: 20_000,
    });
    expect(await page.$eval("#submit-result", (el) => el.textContent)).toMatch(
      /^FORBIDDEN: source "\/etc"/,
    );
    await page.close();
  });
});
