import { createHash, type Hash } from "node:crypto";
import type { SourceItem } from "./image-source.js";

/** sha256 over a listing: one line per item, "key\tsize\tetag". Order matters. */
export class ListingFingerprint {
  private readonly hash: Hash = createHash("sha256");
  private count = 0;

  add(item: SourceItem): void {
    this.hash.update(`${item.key}\t${item.size}\t${item.etag ?? ""}\n`);
    this.count++;
  }

  /** Number of items added so far. */
  get items(): number {
    return this.count;
  }

  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }
}
