/** A tiny concurrency limiter: at most `max` tasks run at once, the rest wait their turn in order. */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs tasks with at most `max` in flight; a finished task hands its slot straight to the next in line. */
export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`concurrency must be a whole number ≥ 1, not ${max}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // the slot is handed over on release, not re-counted, so a newcomer cannot slip in between
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
