import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_TABLE, ErrorCodes, type ErrorMeaning } from "@featurewise/core";

/** The Errors table of docs/errors.md: code → exit, HTTP, retried. */
function docsErrorTable(): Map<string, ErrorMeaning> {
  const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
  const rows = new Map<string, ErrorMeaning>();
  for (const m of doc.matchAll(/^\| `([A-Z_]+)` \| (\d) \| (\d{3}) \| (yes|no) \|/gm)) {
    rows.set(m[1]!, {
      exitStatus: Number(m[2]) as 1 | 2,
      httpStatus: Number(m[3]),
      retried: m[4] === "yes",
    });
  }
  return rows;
}

describe("error codes", () => {
  it("each code has one row in the error table and docs/errors.md's table says the same", () => {
    const documented = docsErrorTable();
    expect([...documented.keys()].sort()).toEqual(Object.values(ErrorCodes).sort());
    expect(Object.keys(ERROR_TABLE).sort()).toEqual(Object.values(ErrorCodes).sort());
    for (const code of Object.values(ErrorCodes)) {
      expect({ code, ...documented.get(code) }).toEqual({ code, ...ERROR_TABLE[code] });
    }
  });

  it("only bad arguments are usage errors (exit 2)", () => {
    const usage = Object.entries(ERROR_TABLE).filter(([, m]) => m.exitStatus === 2);
    expect(usage.map(([code]) => code)).toEqual([ErrorCodes.INVALID_ARGUMENT]);
  });
});
