/** Binary codecs: CRC-32, NumPy .npy/.npz, and the partial-moments format. */
export { crc32 } from "./crc32.js";
export { encodeNpy, encodeNpyParts, decodeNpy, type NpyArray, type NpyDtype } from "./npy.js";
export { encodeNpz, encodeNpzParts, decodeNpz } from "./npz.js";
export { concatBytes } from "./concat-bytes.js";
export { decodeKeysJsonl, encodeKeysJsonl } from "./keys-jsonl.js";
export {
  encodeMoments,
  encodeMomentsParts,
  decodeMoments,
  decodePackedMoments,
  MOMENTS_MAGIC,
} from "./moments-codec.js";
