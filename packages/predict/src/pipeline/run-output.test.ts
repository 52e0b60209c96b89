import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isStagingFile, LocalStore } from "@featurewise/storage";
import { writeManifest } from "./run-output.js";

describe("writeManifest", () => {
  it("removes the part staging files a killed run left, and nothing else, before the manifest", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fw-run-output-"));
    const left = "part-000010.parquet.1f3b32be-db43-4b93-8fc3-42d4555f0435.tmp";
    const kept = ["part-000010.parquet", "part-000010.record.json", "notes.tmp"];
    for (const name of [left, ...kept]) writeFileSync(path.join(dir, name), "x");
    expect(isStagingFile(left)).toBe(true);
    expect(kept.some(isStagingFile)).toBe(false);
    const manifest = { n: 0 } as unknown as Parameters<typeof writeManifest>[1];
    await writeManifest(new LocalStore(dir), manifest);
    expect(readdirSync(dir).sort()).toEqual([...kept, "manifest.json"].sort());
  });
});
