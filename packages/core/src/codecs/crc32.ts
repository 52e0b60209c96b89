/**
 * CRC-32 as used by ZIP, PNG and gzip (reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF). Table-driven, one byte per step.
 */

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`.
 * @param bytes - the data
 * @param seed - the CRC of the data that precedes `bytes` (default 0), so that
 *   `crc32(b, crc32(a))` equals the CRC of `a` followed by `b`
 * @returns the CRC as an unsigned 32-bit integer
 */
export function crc32(bytes: Uint8Array, seed = 0): number {
  const table = TABLE;
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0, len = bytes.length; i < len; i++) {
    c = (table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  }
  return (c ^ 0xffffffff) >>> 0;
}
