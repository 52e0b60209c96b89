import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** The compiled module (a fresh process: the SDK warns once per process). */
const CLIENT = new URL("../dist/s3-client.js", import.meta.url).href;

function stderrOfNewClient(env: NodeJS.ProcessEnv): string {
  const script = `
    const { createS3Client } = await import(${JSON.stringify(CLIENT)});
    const { DEFAULT_STORAGE_CONFIG } = await import(${JSON.stringify(CLIENT.replace("s3-client", "storage-config"))});
    createS3Client({ ...DEFAULT_STORAGE_CONFIG.s3, region: "us-east-1" }).destroy();`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr;
}

describe("createS3Client", () => {
  it("prints nothing on stderr (no SDK notice about Node versions)", () => {
    const env = { ...process.env };
    delete env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"];
    expect(stderrOfNewClient(env)).toBe("");
  });
});
