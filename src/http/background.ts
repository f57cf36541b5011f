/**
 * Work a request starts and does not wait for (a newsletter send from the admin page): told to
 * stop, and waited for, when the server shuts down, so it can hand back what it claimed.
 */
export class BackgroundWork {
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<unknown>>();

  /** Aborted when the server begins to stop. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Keeps a piece of work until it settles. */
  track(work: Promise<unknown>): void {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
  }

  /** Aborts the signal and waits for tracked work to settle, at most `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
