import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AllowList } from "./allow-list.js";

const work = mkdtempSync(path.join(tmpdir(), "fw-allow-"));
const root = path.join(work, "root");
mkdirSync(path.join(root, "images"), { recursive: true });
symlinkSync("/etc", path.join(root, "escape"));
symlinkSync(path.join(root, "images"), path.join(work, "inside-link"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("AllowList", () => {
  const allow = new AllowList([`${root}/`, "s3://bucket/data/"]);

  it("takes locations under a prefix, local ones resolved through symlinks", () => {
    expect(allow.check("source", `${root}/images`)).toBe(path.join(root, "images"));
    expect(allow.check("out", `${root}/new/folder`)).toBe(path.join(root, "new/folder"));
    expect(allow.check("out", `file://${root}/images`)).toBe(path.join(root, "images"));
    expect(allow.check("source", path.join(work, "inside-link"))).toBe(path.join(root, "images"));
    expect(allow.check("source", "s3://bucket/data/train-{000000..000009}.tar")).toBe(
      "s3://bucket/data/train-{000000..000009}.tar",
    );
  });

  it.each([
    [`${"ROOT"}/images/../../etc`, /"\.\." segment/],
    [`${"ROOT"}/%2e%2e/etc`, /"\.\." segment/],
    [`${"ROOT"}/%2E%2e/etc`, /"\.\." segment/],
    [`${"ROOT"}/%252e%252e/etc`, /"\.\." segment/],
    [`${"ROOT"}/escape/passwd`, /outside .* \(it resolves to \/etc\/passwd\)/],
    ["file:///etc/passwd", /outside/],
    [`${"ROOT"}-sibling/x`, /outside/],
    ["s3://bucket/database/x", /outside/],
    ["s3://bucket/data/../x", /"\.\." segment/],
    ["s3://other/data/", /outside/],
  ])("refuses %s", (location, why) => {
    const loc = location.replace("ROOT", root);
    expect(() => allow.check("source", loc)).toThrow(why);
    try {
      allow.check("source", loc);
    } catch (err) {
      expect((err as { code: string }).code).toBe("FORBIDDEN");
      expect((err as Error).message).toContain(JSON.stringify(loc));
    }
  });

  it("refuses every location when no prefix is allowed", () => {
    expect(() => new AllowList([]).check("source", `${root}/images`)).toThrow(/outside/);
  });
});
