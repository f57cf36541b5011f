/**
 * Preloaded into the CLI by the newsletter bench (node --import). At exit it prints the
 * process's peak resident memory. With BENCH_LIVE_HEAP=1 (and node --expose-gc) it also runs
 * a full garbage collection every second and prints the largest heap left after one: peak RSS
 * counts garbage V8 has not collected yet, which grows with the length of a run, while the
 * heap after a full collection is what the process really holds.
 */
let liveHeap = 0;
const gc = (globalThis as { gc?: () => void }).gc;
if (process.env.BENCH_LIVE_HEAP === "1" && gc) {
  setInterval(() => {
    gc();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  }, 1000).unref();
}

process.on("exit", () => {
  process.stderr.write(
    `\nmax-rss-kb ${process.resourceUsage().maxRSS} live-heap-kb ${Math.round(liveHeap / 1024)}\n`,
  );
});
