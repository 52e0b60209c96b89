import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@featurewise/core";

describe("error codes", () => {
  it("each code is documented in the README's Errors table", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const code of Object.values(ErrorCodes)) expect(readme).toContain(`| \`${code}\` |`);
  });
});
