/**
 * Runs `task` over `inputs` with at most `concurrency` tasks whose results
 * have not been taken yet, and yields the results in input order. So at
 * most `concurrency` results are held at once, however unevenly the tasks
 * finish. When a task fails, the error is thrown from the iteration and no
 * further task starts (those already running finish unobserved).
 */
export async function* runInOrder<T, R>(
  inputs: readonly T[],
  concurrency: number,
  task: (input: T) => Promise<R>,
): AsyncIterable<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < inputs.length && pending.length < Math.max(1, concurrency)) {
      const p = task(inputs[next++]!);
      p.catch(() => {}); // observed below, in order; keeps a later failure from going unhandled
      pending.push(p);
    }
  };
  fill();
  while (pending.length > 0) {
    const result = await pending.shift()!;
    fill();
    yield result;
  }
}
