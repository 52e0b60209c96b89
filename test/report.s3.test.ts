/**
 * `featurewise report` on s3rver: an artifact fitted from an S3 prefix into
 * an S3 prefix, its report written to S3, the sample decoded from the
 * source on S3.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliOk } from "./helpers/cli.js";
import { MODELS } from "./helpers/predict.js";
import { uploadFiles } from "./helpers/s3-datasets.js";
import { useS3Server } from "./helpers/s3-server.js";

const s3 = useS3Server(["data"]);

describe("featurewise report on S3", () => {
  it("reads an s3:// artifact and its s3:// source, and writes the report to S3", async () => {
    const local = path.join(MODELS, "images", "16x16x3");
    const keys = readdirSync(local).sort();
    await uploadFiles(s3.storage.open("s3://data/images"), local, keys);
    const env = s3.server.env;
    await runCliOk(["fit", "s3://data/images", "--out", "s3://data/stats", "--std"], env);
    const run = await runCliOk(
      ["report", "s3://data/stats", "--out", "s3://data/reports/fit.html", "--sample", "8"],
      env,
    );
    expect(run.stdout).toMatch(/^report: s3:\/\/data\/reports\/fit\.html/);
    const html = new TextDecoder().decode(
      await s3.storage.open("s3://data/reports").get("fit.html"),
    );
    expect(html).toContain(`<th>images used (n)</th><td>${keys.length}</td>`);
    expect(html).toContain("<th>artifact</th><td>s3://data/stats");
    expect(html).toContain("The first 8 usable images of s3://data/images");
    expect(html.match(/<img class="pixels" src="data:image\/png;base64,/g)).toHaveLength(4);
  });
});
