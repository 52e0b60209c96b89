/** Names and colours of an image's channels, and the swatches of their mean and std. */
import type { StatsDocument } from "@featurewise/core";
import type { Swatch } from "../charts/swatches.js";

/** One channel's label and line colour. */
export interface ChannelStyle {
  readonly label: string;
  readonly colour: string;
  /** The channel's value v (0–255) as an RGB colour. */
  readonly rgb: (v: number) => [number, number, number];
}

const RED: ChannelStyle = { label: "R", colour: "#d62728", rgb: (v) => [v, 0, 0] };
const GREEN: ChannelStyle = { label: "G", colour: "#2ca02c", rgb: (v) => [0, v, 0] };
const BLUE: ChannelStyle = { label: "B", colour: "#1f77b4", rgb: (v) => [0, 0, v] };
const GREY = (label: string, colour: string): ChannelStyle => ({
  label,
  colour,
  rgb: (v) => [v, v, v],
});

/** The styles of `channels` channels (1: L, 3: RGB, 4: RGBA). */
export function channelStyles(channels: number): ChannelStyle[] {
  if (channels === 1) return [GREY("L", "#444")];
  const styles = [RED, GREEN, BLUE, GREY("A", "#999")].slice(0, channels);
  while (styles.length < channels) styles.push(GREY(`c${styles.length}`, "#777"));
  return styles;
}

/** A value in the artifact's rescaled units back in 0–255 pixel units. */
function toPixels(doc: StatsDocument, v: number): number {
  return doc.rescale === null || doc.rescale === 0 ? v : v / doc.rescale;
}

/**
 * Swatches of the per-channel mean: the mean colour (RGB images) and each
 * channel's mean in its own colour, captioned with the artifact's value.
 */
export function meanSwatches(doc: StatsDocument): Swatch[] {
  const styles = channelStyles(doc.channelMean.length);
  const pixels = doc.channelMean.map((m) => toPixels(doc, m));
  const swatches: Swatch[] = styles.map((s, c) => ({
    label: `${s.label} mean`,
    rgb: s.rgb(pixels[c]!),
    caption: format(doc.channelMean[c]!),
  }));
  if (pixels.length >= 3) {
    swatches.unshift({
      label: "mean colour",
      rgb: [pixels[0]!, pixels[1]!, pixels[2]!],
      caption: `${pixels
        .slice(0, 3)
        .map((p) => Math.round(p))
        .join(", ")}`,
    });
  }
  return swatches;
}

/**
 * Swatches of the per-channel std: each channel's σ in pixel units shown as
 * the share of the largest std 8-bit values can have (127.5, half black and
 * half white) in the channel's colour.
 */
export function stdSwatches(doc: StatsDocument): Swatch[] {
  const styles = channelStyles(doc.channelStd.length);
  return styles.map((s, c) => {
    const sigma = toPixels(doc, doc.channelStd[c]!);
    return {
      label: `${s.label} std`,
      rgb: s.rgb((sigma / 127.5) * 255),
      caption: format(doc.channelStd[c]!),
    };
  });
}

function format(v: number): string {
  return String(Number(v.toPrecision(4)));
}
