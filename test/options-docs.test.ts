import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIT_OPTION_SPECS } from "@featurewise/core";
import { runCli } from "./helpers/cli.js";

/** The `fit` option table of docs/cli.md: flag name → default cell (backticks removed). */
function docsFitTable(): Map<string, string> {
  const doc = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8");
  const start = doc.indexOf("## `featurewise fit <source> --out <dir>`");
  expect(start, "docs/cli.md has the fit section").toBeGreaterThanOrEqual(0);
  const section = doc.slice(start, doc.indexOf("\n## ", start + 1));
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| `(--[a-z-]+)[^`]*` \| ([^|]+) \|/gm))
    rows.set(m[1]!, m[2]!.trim().replace(/`/g, ""));
  return rows;
}

describe("fit options in the docs", () => {
  it("every option of the schema is in docs/cli.md's fit table with the same default", () => {
    const table = docsFitTable();
    for (const spec of FIT_OPTION_SPECS) {
      const flag = spec.flag.split(" ")[0]!;
      expect({ flag, default: table.get(flag) }).toEqual({ flag, default: spec.defaultText });
    }
  });

  it("`fit --help` lists every option with its default, bytes as docs/cli.md writes them", async () => {
    const r = await runCli(["fit", "--help"]);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, " ");
    for (const spec of FIT_OPTION_SPECS) {
      expect(help).toContain(spec.flag);
      if (!["off", "none", "required"].includes(spec.defaultText))
        expect(help, spec.flag).toContain(`(default ${spec.defaultText})`);
    }
    expect(help).toContain(
      "--max-zca-bytes <bytes> largest whitening matrix to build (k/M/G/T: powers of 1024) (default 2G)",
    );
  });
});
