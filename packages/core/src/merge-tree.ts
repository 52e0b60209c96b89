import { createMoments, mergeInto, type Moments } from "./moments.js";

/** Default number of partials one reduce step merges. */
export const DEFAULT_FAN_IN = 32;

/**
 * The reduce tree over `count` ordered partials: level 0 is the partials;
 * node j of level l+1 merges nodes [j·fanIn, (j+1)·fanIn) of level l, left
 * to right, starting from empty moments. Returns the group sizes per level
 * above 0 until one node is left. Every executor (embedded or cluster)
 * merges along this tree, so results are bit-identical.
 */
export function reduceTreeLevels(count: number, fanIn: number = DEFAULT_FAN_IN): number[][] {
  if (fanIn < 2) throw new Error(`fanIn must be at least 2, got ${fanIn}`);
  const levels: number[][] = [];
  let width = count;
  while (width > 1) {
    const groups: number[] = [];
    for (let start = 0; start < width; start += fanIn) groups.push(Math.min(fanIn, width - start));
    levels.push(groups);
    width = groups.length;
  }
  return levels;
}

/**
 * Merges partials along the reduce tree of {@link reduceTreeLevels} as they
 * arrive in order, holding at most one open node per level.
 */
export class TreeMerger {
  private readonly open: Array<{ node: Moments; size: number } | undefined> = [];

  constructor(private readonly fanIn: number = DEFAULT_FAN_IN) {
    if (fanIn < 2) throw new Error(`fanIn must be at least 2, got ${fanIn}`);
  }

  /** Adds the next partial in shard order. */
  push(partial: Moments): void {
    this.pushAt(0, partial);
  }

  /** Closes every open node and returns the root, or null when nothing was pushed. */
  finish(): Moments | null {
    let carry: Moments | null = null;
    for (let level = 0; level < this.open.length; level++) {
      // The node closed below is the last member of this level's open node.
      if (carry !== null) {
        carry = this.addTo(level, carry);
        if (carry !== null) continue;
      }
      const slot = this.open[level];
      if (slot !== undefined) {
        this.open[level] = undefined;
        carry = slot.node;
      }
    }
    return carry;
  }

  private pushAt(level: number, partial: Moments): void {
    const full = this.addTo(level, partial);
    if (full !== null) this.pushAt(level + 1, full);
  }

  /** Adds to the open node of `level`; returns the node when it reaches fanIn. */
  private addTo(level: number, partial: Moments): Moments | null {
    const slot = this.open[level] ?? { node: createMoments(partial.kind, partial.dim), size: 0 };
    mergeInto(slot.node, partial);
    slot.size++;
    if (slot.size === this.fanIn) {
      this.open[level] = undefined;
      return slot.node;
    }
    this.open[level] = slot;
    return null;
  }
}
