/**
 * A generic progress bar for operator commands that work through a list (tools, rows…). On a
 * terminal it redraws one line in place and prints log lines above it; elsewhere (logs, CI)
 * it draws nothing and log lines are all that is written. The bar and duration formats here
 * are shared with the newsletter's send line (src/features/newsletter/progress.ts), so every
 * command's progress looks alike.
 */

export interface ProgressOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBar {
  /** Sets how far along the work is; `note` is shown after the counts (e.g. "3 failed"). */
  update(done: number, note?: string): void;
  /** Prints a line that stays (above the bar on a terminal). */
  log(line: string): void;
  /** Draws the last state and ends the bar's line. */
  finish(): void;
}

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** "[######------------------]  25%". */
export function formatBar(done: number, total: number, width = 24): string {
  const pct = total <= 0 ? 100 : Math.min(100, Math.floor((100 * done) / total));
  const filled = Math.min(width, Math.floor((pct / 100) * width));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(pct).padStart(3)}%`;
}

/** A bar over `total` items named `unit` (plural), e.g. 12 "tools". */
export function createProgressBar(
  out: ProgressOutput,
  opts: { total: number; unit: string; now?: () => number },
): ProgressBar {
  const now = opts.now ?? Date.now;
  const tty = out.isTTY === true;
  const started = now();
  let done = 0;
  let note = "";

  const line = () => {
    const parts = [formatBar(done, opts.total), `${done}/${opts.total} ${opts.unit}`];
    if (note) parts.push(note);
    const elapsed = now() - started;
    // a first estimate after one item is mostly noise, but better than none on a long run
    parts.push(
      done > 0 && done < opts.total
        ? `ETA ${formatDuration((elapsed / done) * (opts.total - done))}`
        : `${formatDuration(elapsed)} elapsed`,
    );
    return parts.join("  ");
  };
  const draw = () => {
    if (tty) out.write(`\r\x1b[2K${line()}`);
  };

  draw();
  return {
    update(d, n) {
      done = d;
      if (n !== undefined) note = n;
      draw();
    },
    log(text) {
      if (tty) {
        out.write(`\r\x1b[2K${text}\n`);
        draw();
      } else {
        out.write(`${text}\n`);
      }
    },
    finish() {
      if (tty) out.write(`\r\x1b[2K${line()}\n`);
    },
  };
}
