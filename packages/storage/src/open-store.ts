import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { LocalStore } from "./local-store.js";
import type { ObjectStore } from "./object-store.js";
import { parseLocation } from "./uri.js";

/** Opens the object store rooted at `uri` (a local path, file:// or s3:// URI). */
export function openStore(uri: string): ObjectStore {
  const loc = parseLocation(uri);
  if (loc.scheme === "file") return new LocalStore(loc.path);
  throw new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `${uri}: S3 locations are not supported yet`,
  );
}
