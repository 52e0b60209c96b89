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
    checkBucketName(uri, bucket);
    checkKeySegments(uri, key);
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

/**
 * Refuses a bucket name that S3 would refuse (its general-purpose bucket
 * rules): 3-63 characters of lowercase letters, digits, dots and hyphens,
 * starting and ending with a letter or digit, no "..", not an IP address,
 * none of the reserved prefixes and suffixes.
 */
function checkBucketName(uri: string, bucket: string): void {
  const why =
    bucket.length < 3 || bucket.length > 63
      ? `${bucket.length} characters (3 to 63 expected)`
      : !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)
        ? "only lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, are allowed"
        : bucket.includes("..")
          ? 'two dots in a row (".." is not allowed)'
          : /^\d+\.\d+\.\d+\.\d+$/.test(bucket)
            ? "it is formatted as an IP address"
            : /^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) ||
                /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(bucket)
              ? "a reserved prefix or suffix"
              : null;
  if (why !== null) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${uri}: ${JSON.stringify(bucket)} is not a valid S3 bucket name: ${why}`,
    );
  }
}

/**
 * Refuses "." and ".." segments in an S3 key: S3 keys are not paths, so
 * `s3://b/data/../x` would name a literal "data/../x" here, while tools
 * that resolve it (and a local mirror of the bucket) would go elsewhere.
 */
function checkKeySegments(uri: string, key: string): void {
  const bad = key.split("/").find((s) => s === "." || s === "..");
  if (bad !== undefined) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${uri}: a ${JSON.stringify(bad)} segment in an S3 key is not allowed (S3 keys are names, not paths)`,
    );
  }
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
