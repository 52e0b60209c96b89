import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStore } from "./local-store.js";
import type { ObjectInfo } from "./object-store.js";

const root = mkdtempSync(path.join(tmpdir(), "fw-folder-walk-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function all(it: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of it) out.push(o);
  return out;
}

describe("LocalStore listing (FolderWalk)", () => {
  it("a folder removed while the listing runs is a listed, unreadable entry, not a raw ENOENT", async () => {
    const dir = path.join(root, "removed");
    for (const sub of ["a", "b", "c"]) {
      mkdirSync(path.join(dir, sub), { recursive: true });
      writeFileSync(path.join(dir, sub, "x.png"), sub);
    }
    const seen: ObjectInfo[] = [];
    for await (const item of new LocalStore(dir).list()) {
      seen.push(item);
      if (item.key === "a/x.png") rmSync(path.join(dir, "b"), { recursive: true });
    }
    expect(seen).toEqual([
      { key: "a/x.png", size: 1 },
      { key: "b", size: 0, unreadable: "folder removed while the source was being listed" },
      { key: "c/x.png", size: 1 },
    ]);
  });

  it("a file removed while the listing runs is listed as unreadable, with the reason", async () => {
    const dir = path.join(root, "removed-file");
    mkdirSync(dir, { recursive: true });
    for (const k of ["1.png", "2.png", "3.png"]) writeFileSync(path.join(dir, k), k);
    const seen: ObjectInfo[] = [];
    for await (const item of new LocalStore(dir).list()) {
      seen.push(item);
      if (item.key === "1.png") rmSync(path.join(dir, "2.png"));
    }
    expect(seen.map((o) => [o.key, o.unreadable ?? "read"])).toEqual([
      ["1.png", "read"],
      ["2.png", "file removed while the source was being listed"],
      ["3.png", "read"],
    ]);
  });

  it("keeps byte order with symlinks: a followed folder sorts as name/, an unread one as its name", async () => {
    const dir = path.join(root, "order");
    mkdirSync(path.join(dir, "real"), { recursive: true });
    writeFileSync(path.join(dir, "real", "1.png"), "1");
    writeFileSync(path.join(dir, "l.png"), "file");
    symlinkSync(path.join(dir, "real"), path.join(dir, "l"));
    const plain = await all(new LocalStore(dir).list());
    expect(plain.map((o) => o.key)).toEqual(["l", "l.png", "real/1.png"]);
    expect(plain[0]!.unreadable).toMatch(/not followed/);
    const followed = await all(new LocalStore(dir, { followLinks: true }).list());
    expect(followed.map((o) => o.key)).toEqual(["l.png", "l/1.png", "real/1.png"]);
    expect(followed.every((o) => o.unreadable === undefined)).toBe(true);
    // startAfter still skips folders wholly before it, through a followed link too.
    const after = await all(
      new LocalStore(dir, { followLinks: true }).list("", { startAfter: "l.png" }),
    );
    expect(after.map((o) => o.key)).toEqual(["l/1.png", "real/1.png"]);
  });

  it("sorts names by UTF-8 bytes, also where UTF-16 order differs (astral vs U+E000 up)", async () => {
    const dir = path.join(root, "unicode");
    mkdirSync(dir, { recursive: true });
    for (const name of ["\u{1F600}.png", "\uFF01.png", "a.png", "\u00FC.png"]) {
      writeFileSync(path.join(dir, name), name);
    }
    const keys = (await all(new LocalStore(dir).list())).map((o) => o.key);
    expect(keys).toEqual(["a.png", "\u00FC.png", "\uFF01.png", "\u{1F600}.png"]);
  });

  it("a symlinked file has its target's size", async () => {
    const dir = path.join(root, "sizes");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(root, "target.bin"), "12345");
    symlinkSync(path.join(root, "target.bin"), path.join(dir, "t.bin"));
    expect(await all(new LocalStore(dir).list())).toEqual([{ key: "t.bin", size: 5 }]);
  });
});
