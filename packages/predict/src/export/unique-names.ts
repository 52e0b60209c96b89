/** New names kept apart from the names a graph already uses (`pixels`, `pixels_1`, …). */
export function uniqueNames(used: Iterable<string>): (base: string) => string {
  const taken = new Set(used);
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}
