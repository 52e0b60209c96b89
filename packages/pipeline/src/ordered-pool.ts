/**
 * Runs `task` over `inputs` with at most `concurrency` tasks whose results
 * have not been taken yet, and yields the results in input order. So at
 * most `concurrency` results are held at once, however unevenly the tasks
 * finish. Inputs may arrive over time (an async iterable): tasks start as
 * they do. When a task fails, the error is thrown from the iteration and no
 * further task starts (those already running finish unobserved).
 */
export async function* runInOrder<T, R>(
  inputs: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  task: (input: T) => Promise<R>,
): AsyncIterable<R> {
  const it =
    Symbol.asyncIterator in inputs
      ? inputs[Symbol.asyncIterator]()
      : (inputs[Symbol.iterator]() as Iterator<T>);
  const pending: Promise<R>[] = [];
  let exhausted = false;
  const fill = async (): Promise<void> => {
    while (!exhausted && pending.length < Math.max(1, concurrency)) {
      const next = await it.next();
      if (next.done === true) {
        exhausted = true;
        break;
      }
      const p = task(next.value);
      p.catch(() => {}); // observed below, in order; keeps a later failure from going unhandled
      pending.push(p);
    }
  };
  await fill();
  while (pending.length > 0) {
    const result = await pending.shift()!;
    await fill();
    yield result;
  }
}
