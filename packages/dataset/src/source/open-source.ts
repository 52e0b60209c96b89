import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { parseLocation } from "@featurewise/storage";
import { FolderSource } from "./folder-source.js";
import type { ImageSource } from "./image-source.js";

/** Opens the image source named by a path or URI. */
export function openSource(uri: string): ImageSource {
  const loc = parseLocation(uri);
  if (loc.scheme === "file") return new FolderSource(loc.path);
  throw new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `${uri}: S3 sources are not supported yet`,
  );
}
