/** Pictures as PNG data: URIs (sharp, loaded on first use) for images inline in a report. */
import type { default as Sharp } from "sharp";
import { pixelImage } from "../html/page.js";
import type { Picture } from "./pixel-grid.js";

let loaded: Promise<typeof Sharp> | null = null;

function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import("sharp").then(({ default: sharp }) => sharp);
  return loaded;
}

/** `data:image/png;base64,…` of a picture. */
export async function pictureToPngDataUri(picture: Picture): Promise<string> {
  const sharp = await loadSharp();
  const { data, width, height, channels } = picture;
  const png = await sharp(data, { raw: { width, height, channels } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

/**
 * A thumbnail of an image file's bytes (any format sharp reads), fitted
 * inside `size`×`size`, as a PNG data: URI.
 */
export async function thumbnailDataUri(bytes: Uint8Array, size: number): Promise<string> {
  const sharp = await loadSharp();
  const png = await sharp(bytes, { limitInputPixels: 100_000_000 })
    .rotate()
    .resize(size, size, { fit: "inside", kernel: "nearest", withoutEnlargement: false })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

/** A picture as an `<img>` of its PNG, enlarged for the page (see {@link pixelImage}). */
export async function pictureImage(picture: Picture, alt: string): Promise<string> {
  return pixelImage(await pictureToPngDataUri(picture), alt, picture.width, picture.height);
}
