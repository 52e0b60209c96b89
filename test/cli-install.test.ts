import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Running the CLI from outside the repository (issue 17, item 11): a bare
 * `npx featurewise` there would fetch the public registry's `featurewise`,
 * which is not ours; the README has users link this checkout's bin instead.
 */
describe("the featurewise command outside the repository", () => {
  const prefix = mkdtempSync(path.join(tmpdir(), "fw-link-"));
  afterAll(() => rmSync(prefix, { recursive: true, force: true }));

  it("is the unpublished workspace package's bin", () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/packages/cli/package.json`, "utf8")) as {
      private?: boolean;
      bin?: Record<string, string>;
    };
    expect(pkg.private).toBe(true); // never published: no registry name can stand for it
    expect(pkg.bin).toEqual({ featurewise: "./bin/featurewise.js" });
  });

  it("runs from another folder once linked as the README says (npm link -w packages/cli), offline", () => {
    const env = { ...process.env, npm_config_prefix: prefix, npm_config_offline: "true" };
    const link = spawnSync("npm", ["link", "-w", "packages/cli", "--no-audit", "--no-fund"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(link.status, link.stderr).toBe(0);
    const bin = path.join(prefix, "bin", "featurewise");
    const r = spawnSync(bin, ["--version"], { cwd: tmpdir(), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("neither the README nor docs/ tell users to run a bare `npx featurewise` in a shell block", () => {
    const files = ["README.md", ...readdirSync(`${ROOT}/docs`).map((f) => `docs/${f}`)];
    for (const file of files.filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(`${ROOT}/${file}`, "utf8");
      const blocks = [...text.matchAll(/```(?:sh|bash)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const bare = blocks
        .flatMap((b) => b.split("\n"))
        .filter((l) => /^\s*npx featurewise\b/.test(l));
      expect({ file, bare }).toEqual({ file, bare: [] });
    }
    expect(readFileSync(`${ROOT}/README.md`, "utf8")).toMatch(/npm link -w packages\/cli/);
  });
});
