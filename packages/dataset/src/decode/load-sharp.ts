/**
 * sharp (libvips), loaded on first use: most small PNGs take the fast path
 * and never need it, and loading it costs each decode thread ~0.3 s.
 */
import type { default as Sharp } from "sharp";

let loaded: Promise<typeof Sharp> | null = null;

/** The sharp module, set up once: no operation cache (each input is decoded once), one libvips thread. */
export function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loaded;
}
