/**
 * The server's `--allow` prefixes: every location a request names (source,
 * output, model, stats) must lie under one, checked after normalization and
 * before anything is queued. Local paths are compared as the filesystem
 * will resolve them (`..`, `file://` forms, symlinks out of an allowed root,
 * via realpath); a location whose percent-decoded form holds a `..` segment
 * is refused outright, whatever its scheme.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { parseLocation } from "@featurewise/storage";

/** The allowed prefixes, normalized once at start. */
export class AllowList {
  private readonly prefixes: readonly string[];

  /** @throws FeaturewiseError INVALID_ARGUMENT for a prefix that is not a location */
  constructor(prefixes: readonly string[]) {
    this.prefixes = prefixes.map((p) => normalize(p, "--allow"));
  }

  /** The normalized prefixes (for the start-up log). */
  get entries(): readonly string[] {
    return this.prefixes;
  }

  /**
   * The location as the workers will be given it (a local path resolved
   * through its symlinks, so that it cannot be swapped later), once it is
   * under an allowed prefix.
   * @throws FeaturewiseError FORBIDDEN naming the field and location outside the list;
   *   INVALID_ARGUMENT for a location that is not one
   */
  check(field: string, location: string): string {
    if (hasDotDot(location)) {
      throw new FeaturewiseError(
        ErrorCodes.FORBIDDEN,
        `${field} ${JSON.stringify(location)}: a ".." segment (or its percent-encoding) is not allowed`,
      );
    }
    const normalized = normalize(location, field);
    if (!this.prefixes.some((p) => isUnder(normalized, p))) {
      throw new FeaturewiseError(
        ErrorCodes.FORBIDDEN,
        `${field} ${JSON.stringify(location)} is outside the server's allowed locations` +
          (normalized === location ? "" : ` (it resolves to ${normalized})`),
      );
    }
    return normalized;
  }
}

/** True when a `/`-separated segment of the location, percent-decoded (repeatedly), is "..". */
function hasDotDot(location: string): boolean {
  let text = location;
  for (let i = 0; i < 3; i++) {
    if (text.split(/[/\\]/).some((s) => s === "..")) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return /%2e/i.test(text); // malformed escapes around a dot: refuse
    }
    if (decoded === text) return false;
    text = decoded;
  }
  return true;
}

/** `s3://bucket/key` as given, or a local path resolved through its symlinks (its existing part). */
function normalize(location: string, field: string): string {
  let loc;
  try {
    loc = parseLocation(location);
  } catch (err) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${field}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  if (loc.scheme === "s3") return `s3://${loc.bucket}/${loc.key}`;
  return realpathOfExisting(loc.path);
}

/** realpath of the longest existing ancestor, with the rest appended. */
function realpathOfExisting(absolute: string): string {
  const rest: string[] = [];
  let dir = path.resolve(absolute);
  for (;;) {
    try {
      return path.join(realpathSync(dir), ...rest.reverse());
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return absolute;
      rest.push(path.basename(dir));
      dir = parent;
    }
  }
}

/** True when `location` is `prefix` or lies below it (at a `/` boundary). */
function isUnder(location: string, prefix: string): boolean {
  if (location === prefix) return true;
  const withSlash = prefix.endsWith("/") ? prefix : `${prefix}/`;
  return location.startsWith(withSlash) || location === withSlash.slice(0, -1);
}
