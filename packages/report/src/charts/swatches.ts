/** Colour swatches: a channel's mean (or std) shown as the colour it is. */
import { escapeXml, svgDocument } from "./svg.js";

/** One swatch: a fill colour and two lines of text under it. */
export interface Swatch {
  readonly label: string;
  /** The fill as 0–255 red, green, blue. */
  readonly rgb: readonly [number, number, number];
  readonly caption: string;
}

const SIZE = 64;

/** `rgb(r, g, b)` with each value rounded and clamped to 0–255. */
export function cssRgb(rgb: readonly [number, number, number]): string {
  const c = (v: number) => Math.min(255, Math.max(0, Math.round(Number.isFinite(v) ? v : 0)));
  return `rgb(${c(rgb[0])}, ${c(rgb[1])}, ${c(rgb[2])})`;
}

/** The swatches side by side, each a square with its label and caption below. */
export function swatchesSvg(title: string, swatches: readonly Swatch[]): string {
  const cell = SIZE + 36;
  const width = Math.max(200, 16 + cell * swatches.length);
  const body = swatches.map((s, i) => {
    const x = 16 + i * cell;
    return (
      `<g class="swatch"><rect x="${x}" y="28" width="${SIZE}" height="${SIZE}" fill="${cssRgb(s.rgb)}" stroke="#333"/>` +
      `<text x="${x + SIZE / 2}" y="${28 + SIZE + 14}" text-anchor="middle">${escapeXml(s.label)}</text>` +
      `<text x="${x + SIZE / 2}" y="${28 + SIZE + 28}" text-anchor="middle">${escapeXml(s.caption)}</text></g>`
    );
  });
  return svgDocument(width, 28 + SIZE + 40, title, body.join(""));
}
