import { statSync } from "node:fs";
import {
  openStore,
  parseLocation,
  type FolderWalkOptions,
  type Storage,
} from "@featurewise/storage";
import { expandBraces } from "./brace-expand.js";
import { FolderSource } from "./folder-source.js";
import type { ImageSource } from "./image-source.js";
import { PrefixSource } from "./prefix-source.js";
import { TarSource } from "./tar-source.js";

const TAR_NAME = /\.(tar|tar\.gz|tgz)$/i;

/**
 * Opens the image source named by a path or URI:
 * - WebDataset tar shards when it names `.tar` (`.tar.gz`, `.tgz`) files,
 *   with brace ranges allowed: `s3://b/train-{000000..000127}.tar`,
 *   `./shards/part-{0..9}.tar`;
 * - otherwise every object under an S3 prefix (`s3://bucket/prefix`), or
 *   every file under a local folder (`folders` says how it is walked), or
 *   one local file.
 * S3 locations use `storage`'s configuration.
 */
export function openSource(
  uri: string,
  storage?: Storage,
  folders: FolderWalkOptions = {},
): ImageSource {
  const loc = parseLocation(uri);
  const named = loc.scheme === "s3" ? loc.key : loc.path;
  if (named.includes("{") || TAR_NAME.test(named)) {
    const literal = named.slice(0, named.includes("{") ? named.indexOf("{") : named.length);
    const cut = literal.lastIndexOf("/") + 1;
    const root =
      loc.scheme === "s3" ? `s3://${loc.bucket}/${named.slice(0, cut)}` : named.slice(0, cut);
    const names = expandBraces(named.slice(cut));
    const maxImageBytes = storage?.config.maxImageBytes;
    return new TarSource(openStore(root, storage), names, uri, maxImageBytes);
  }
  if (loc.scheme === "file") {
    const isFile = statSync(loc.path, { throwIfNoEntry: false })?.isFile() === true;
    return new FolderSource(loc.path, folders, isFile);
  }
  return new PrefixSource(openStore(uri, storage));
}
