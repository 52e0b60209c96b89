import { randomUUID } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCodes, FeaturewiseError, isFeaturewiseError } from "@featurewise/core";
import { FolderWalk, type FolderWalkOptions } from "./folder-walk.js";
import {
  compareKeys,
  type ListOptions,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
} from "./object-store.js";
import { joinKey } from "./uri.js";

/** Where a write of `target` is staged before its rename: `<target>.<uuid>.tmp`. */
function stagingName(target: string): string {
  return `${target}.${randomUUID()}.tmp`;
}

const STAGING = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Whether `key` is a write's staging file: one a write still in progress
 * holds, or one a killed process left behind (it never becomes the target).
 */
export function isStagingFile(key: string): boolean {
  return STAGING.test(key);
}

/**
 * An object store over a local folder; keys are paths relative to it.
 * Listings read symlinked files, enter symlinked folders only with
 * `followLinks`, and list what they do not read with its reason
 * (see {@link FolderWalk}).
 */
export class LocalStore implements ObjectStore {
  readonly root: string;
  private readonly dir: string;
  private readonly folders: FolderWalk;

  constructor(dir: string, options: FolderWalkOptions = {}) {
    this.dir = path.resolve(dir);
    this.root = pathToFileURL(this.dir).href;
    this.folders = new FolderWalk(this.dir, options);
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  uriOf(key: string): string {
    return key === "" ? this.root : pathToFileURL(this.pathOf(key)).href;
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (cause) {
      throw this.ioError("read", key, cause);
    }
  }

  async getInto(key: string, buffer: Uint8Array): Promise<Uint8Array> {
    try {
      const file = await fs.open(this.pathOf(key));
      try {
        const { size } = await file.stat();
        const target = size <= buffer.length ? buffer.subarray(0, size) : new Uint8Array(size);
        for (let at = 0; at < size;) {
          const { bytesRead } = await file.read(target, at, size - at, at);
          if (bytesRead === 0) throw new Error(`file ended after ${at} of ${size} bytes`);
          at += bytesRead;
        }
        return target;
      } finally {
        await file.close();
      }
    } catch (cause) {
      throw this.ioError("read", key, cause);
    }
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of createReadStream(this.pathOf(key))) yield chunk as Uint8Array;
    } catch (cause) {
      throw this.ioError("read", key, cause);
    }
  }

  async put(key: string, body: ObjectBody): Promise<void> {
    const target = this.pathOf(key);
    const temp = stagingName(target);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (body instanceof Uint8Array) await fs.writeFile(temp, body);
      else await writePieces(temp, body);
      await fs.rename(temp, target);
    } catch (cause) {
      await fs.rm(temp, { force: true }).catch(() => {}); // ENOTDIR when a parent is a file
      throw this.ioError("write", key, cause);
    }
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<boolean> {
    const target = this.pathOf(key);
    const temp = stagingName(target);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(temp, body);
      // link(2) fails with EEXIST when the target exists: the check and the write are one step.
      await fs.link(temp, target);
      return true;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw this.ioError("write", key, cause);
    } finally {
      await fs.rm(temp, { force: true }).catch(() => {}); // ENOTDIR when a parent is a file
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const st = await fs.stat(this.pathOf(key));
      return st.isFile() ? { key, size: st.size } : null;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw this.ioError("stat", key, cause);
    }
  }

  async *list(prefix = "", options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    let left = options.limit ?? Infinity;
    if (left <= 0) return;
    for await (const item of this.listAll(prefix, options)) {
      yield item;
      if (--left <= 0) return;
    }
  }

  private async *listAll(prefix: string, options: ListOptions): AsyncIterable<ObjectInfo> {
    const start = this.pathOf(prefix);
    const after = options.startAfter;
    let st;
    try {
      st = await fs.stat(start);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return;
      throw this.ioError("list", prefix, cause);
    }
    if (st.isFile()) {
      const key = joinKey(prefix);
      if (after === undefined || compareKeys(key, after) > 0) yield { key, size: st.size };
      return;
    }
    try {
      yield* this.folders.walk(joinKey(prefix), after);
    } catch (cause) {
      if (isFeaturewiseError(cause)) throw cause;
      throw this.ioError("list", prefix, cause);
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    const full = path.resolve(this.dir, key);
    if (full !== this.dir && !full.startsWith(this.dir + path.sep)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `key ${key} escapes the store root ${this.root}`,
      );
    }
    return full;
  }

  private ioError(op: string, key: string, cause: unknown): FeaturewiseError {
    const code =
      (cause as NodeJS.ErrnoException).code === "ENOENT"
        ? ErrorCodes.NOT_FOUND
        : ErrorCodes.IO_ERROR;
    const why = cause instanceof Error ? cause.message : String(cause);
    return new FeaturewiseError(code, `cannot ${op} ${this.uriOf(key)}: ${why}`, { cause });
  }
}

/**
 * Writes a stream of pieces to a new file, gathered into `writev` calls of up
 * to 1,024 pieces or 8 MiB: a 38 MB moments file comes as ~3,000 row views,
 * which one write stream call each took 10x longer to write.
 */
async function writePieces(file: string, body: AsyncIterable<Uint8Array>): Promise<void> {
  const handle = await fs.open(file, "w");
  try {
    let batch: Uint8Array[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const { bytesWritten } = await handle.writev(batch);
      if (bytesWritten !== bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes`);
      batch = [];
      bytes = 0;
    };
    for await (const piece of body) {
      batch.push(piece);
      bytes += piece.length;
      if (batch.length >= 1024 || bytes >= 8 * 2 ** 20) await flush();
    }
    await flush();
  } finally {
    await handle.close();
  }
}
