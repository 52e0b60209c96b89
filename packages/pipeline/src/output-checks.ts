import { constants, promises as fs, realpathSync } from "node:fs";
import path from "node:path";
import { ErrorCodes, FeaturewiseError, isFeaturewiseError } from "@featurewise/core";
import { parseLocation, type Location, type ObjectStore } from "@featurewise/storage";

/** Sources named as tar shards (not a folder or prefix that could hold the output). */
const TAR_SOURCE = /\{|\.(tar|tar\.gz|tgz)$/i;

/**
 * Refuses a fit's artifact location before any image is read: an S3 bucket
 * that does not exist, a local path that is a file (or lies under one), a
 * local folder that cannot be written, and a location inside the source
 * folder or prefix, whose next fit would read the artifact's files as images.
 * @param store - the artifact's location
 * @param source - the fit's source as given
 * @throws FeaturewiseError INVALID_ARGUMENT naming `--out` and what was expected; NOT_FOUND for a missing bucket
 */
export async function checkFitOutput(store: ObjectStore, source: string): Promise<void> {
  refuseInsideSource("--out", store.root, source);
  const local = store.localPath?.("");
  if (local !== undefined) {
    await checkLocalPath("--out", local, "folder");
    return;
  }
  await checkBucket(store);
}

/**
 * Refuses the output of `transform` before any image is read: a path that
 * is a folder, a parent that is a file or cannot be written, a missing S3
 * bucket or one that refuses a write (an empty probe object is written and
 * removed), an output inside the source.
 * @param dir - the folder that will hold the output
 * @param name - the output's name in it
 */
export async function checkTransformOutput(
  dir: ObjectStore,
  name: string,
  source: string,
): Promise<void> {
  refuseInsideSource("--out", dir.uriOf(name), source);
  const local = dir.localPath?.(name);
  if (local !== undefined) {
    await checkLocalPath("--out", local, "file");
    return;
  }
  await checkBucket(dir);
  // The array is written last, after all the decoding: find out now whether it can be.
  const probe = `${name}.featurewise-probe`;
  await dir.put(probe, new Uint8Array(0));
  await dir.delete(probe).catch(() => {}); // a role may write without deleting
}

/**
 * Fails fast when the location cannot exist (an S3 bucket that does not
 * exist). Other listing failures are left to the writes themselves: a role
 * may be allowed to write but not to list.
 */
async function checkBucket(store: ObjectStore): Promise<void> {
  try {
    await store.list("", { limit: 1 })[Symbol.asyncIterator]().next();
  } catch (err) {
    if (isFeaturewiseError(err, ErrorCodes.NOT_FOUND)) throw err;
  }
}

/** A local output: not of the wrong kind, not under a file, and its nearest existing folder writable. */
async function checkLocalPath(option: string, target: string, kind: "folder" | "file") {
  const st = await statOrNull(target);
  if (st !== null) {
    if (kind === "folder" && !st.isDirectory())
      throw invalid(
        `${option} ${target} is a file; expected a folder (or a path that does not exist yet)`,
      );
    if (kind === "file" && st.isDirectory())
      throw invalid(`${option} ${target} is a folder; expected a file name like x.npy`);
  }
  let folder = kind === "folder" && st !== null ? target : path.dirname(target);
  for (;;) {
    const up = await statOrNull(folder);
    if (up !== null) {
      if (!up.isDirectory())
        throw invalid(
          `${option} ${target} lies under ${folder}, which is a file; expected a folder there`,
        );
      break;
    }
    folder = path.dirname(folder);
  }
  try {
    await fs.access(folder, constants.W_OK);
  } catch {
    throw invalid(`${option} ${target} cannot be written: ${folder} is not writable by this user`);
  }
}

/** Refuses an output at or under a folder or prefix source. */
function refuseInsideSource(option: string, outUri: string, source: string): void {
  const src = parseLocation(source);
  if (TAR_SOURCE.test(src.scheme === "s3" ? src.key : src.path)) return;
  const out = parseLocation(outUri);
  if (!isInside(out, src)) return;
  throw invalid(
    `${option} ${outUri} is inside the source ${source}: the next fit of that source would read ` +
      `the output's files as images; write it outside the source`,
  );
}

function isInside(out: Location, src: Location): boolean {
  if (out.scheme === "file" && src.scheme === "file") {
    const a = realish(out.path);
    const b = realish(src.path);
    return a === b || a.startsWith(b.endsWith(path.sep) ? b : b + path.sep);
  }
  if (out.scheme === "s3" && src.scheme === "s3") {
    if (out.bucket !== src.bucket) return false;
    const prefix = src.key.replace(/\/+$/, "");
    const key = out.key.replace(/\/+$/, "");
    return prefix === "" || key === prefix || key.startsWith(`${prefix}/`);
  }
  return false;
}

/** The path with symlinks of its existing part resolved (the rest may not exist yet). */
function realish(p: string): string {
  const rest: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(at), ...rest.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return path.resolve(p);
      rest.push(path.basename(at));
      at = parent;
    }
  }
}

async function statOrNull(p: string) {
  try {
    return await fs.stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ENOTDIR") return null; // a parent is a file: found by the walk up
    throw err;
  }
}

function invalid(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
}
