/** float32 values as the shortest decimal text that reads back to the same float32. */

/**
 * The shortest decimal (up to 9 significant digits, always enough for
 * float32) whose float32 rounding is `value`: 0.1 for Math.fround(0.1), not
 * 0.10000000149011612. NaN and ±Infinity, which JSON lacks, are null.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return "null";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}
