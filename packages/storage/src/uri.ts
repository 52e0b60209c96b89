import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** A parsed location: a local folder or file, or an S3 bucket and key prefix. */
export type Location =
  | { readonly scheme: "file"; readonly path: string }
  | { readonly scheme: "s3"; readonly bucket: string; readonly key: string };

/**
 * Parses `s3://bucket/key`, `file:///abs/path` or a plain path (relative
 * paths resolve against the current directory).
 */
export function parseLocation(uri: string): Location {
  if (uri.startsWith("s3://")) {
    const rest = uri.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? "" : rest.slice(slash + 1);
    if (bucket === "") {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${uri}: expected s3://bucket/prefix`,
      );
    }
    return { scheme: "s3", bucket, key };
  }
  if (uri.startsWith("file://")) return { scheme: "file", path: fileURLToPath(uri) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${uri}: unsupported URI scheme (expected s3://, file:// or a local path)`,
    );
  }
  if (uri === "") throw new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, "empty location");
  return { scheme: "file", path: path.resolve(uri) };
}

/** The URI form of a location. */
export function formatLocation(loc: Location): string {
  return loc.scheme === "s3" ? `s3://${loc.bucket}/${loc.key}` : pathToFileURL(loc.path).href;
}

/**
 * How a store rooted at s3://bucket/prefix names things: its root URI, the
 * object-key prefix of its keys ("" or "folder/"), and the URI of a key.
 */
export class S3Folder {
  readonly root: string;
  readonly base: string;

  constructor(
    readonly bucket: string,
    prefix: string,
  ) {
    const folder = joinKey(prefix);
    this.base = folder === "" ? "" : `${folder}/`;
    this.root = `s3://${bucket}/${folder}`;
  }

  /** `s3://bucket/prefix/key`. */
  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.base}${key}`;
  }
}

/** Joins key parts with "/", dropping empty parts and duplicate slashes. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split("/"))
    .filter((p) => p !== "")
    .join("/");
}

/**
 * Splits a URI or path naming one object into the folder that holds it and
 * its name: `s3://b/run/x.npy` → `s3://b/run` and `x.npy`.
 */
export function parentLocation(uri: string): { readonly parent: string; readonly name: string } {
  const loc = parseLocation(uri);
  if (loc.scheme === "file") {
    return { parent: path.dirname(loc.path), name: path.basename(loc.path) };
  }
  const key = joinKey(loc.key);
  const slash = key.lastIndexOf("/");
  if (key === "") {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${uri}: expected s3://bucket/key naming an object`,
    );
  }
  return {
    parent: `s3://${loc.bucket}/${slash < 0 ? "" : key.slice(0, slash)}`,
    name: key.slice(slash + 1),
  };
}
