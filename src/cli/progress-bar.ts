/**
 * The progress bar of every operator command. On a terminal it redraws one line in place and
 * prints log lines above it. Elsewhere (logs, CI) it never redraws: output must not fill up
 * with thousands of carriage returns, so a command's log lines are all that is written, except
 * that a newsletter send also prints its line every tenth of the way.
 *
 * Two shapes share the drawing: `createProgressBar` counts items of a list (tools, rows…),
 * `createProgressWriter` shows a newsletter send (sent, failed, bounced, rate).
 */

export interface ProgressOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
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

/** The one line a bar occupies on an output, and the lines printed around it. */
function barLine(out: ProgressOutput, opts: { now: () => number; redrawMs: number }) {
  const tty = out.isTTY === true;
  let lastDraw = Number.NEGATIVE_INFINITY;
  return {
    tty,
    /** Redraws the bar in place, on a terminal only and at most once per `redrawMs`. */
    draw(text: string) {
      if (!tty || opts.now() - lastDraw < opts.redrawMs) return;
      lastDraw = opts.now();
      out.write(`\r\x1b[2K${text}`);
    },
    /** Prints a line that stays (over the bar's line on a terminal); the bar is drawn again by the next draw. */
    print(text: string) {
      out.write(tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
    },
  };
}

export interface ProgressBar {
  /** Sets how far along the work is; `note` is shown after the counts (e.g. "3 failed"). */
  update(done: number, note?: string): void;
  /** Prints a line that stays (above the bar on a terminal). */
  log(line: string): void;
  /** Draws the last state and ends the bar's line. */
  finish(): void;
}

/** A bar over `total` items named `unit` (plural), e.g. 12 "tools". */
export function createProgressBar(
  out: ProgressOutput,
  opts: { total: number; unit: string; now?: () => number },
): ProgressBar {
  const now = opts.now ?? Date.now;
  const bar = barLine(out, { now, redrawMs: 0 });
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

  bar.draw(line());
  return {
    update(d, n) {
      done = d;
      if (n !== undefined) note = n;
      bar.draw(line());
    },
    log(text) {
      bar.print(text);
      bar.draw(line());
    },
    finish() {
      if (bar.tty) bar.print(line());
    },
  };
}

/** Where a newsletter send stands (a delivery progress has these and more). */
export interface SendCounts {
  total: number;
  sent: number;
  failed: number;
  bounced: number;
}

/** What one send line says. */
export interface ProgressLine extends SendCounts {
  /** Messages finished per second in this run, or null before there is a rate to show. */
  rate: number | null;
}

/** Whole percent done (sent, failed or bounced), 100 for an empty list. */
export function percentDone(p: SendCounts): number {
  if (p.total <= 0) return 100;
  return Math.floor((100 * (p.sent + p.failed + p.bounced)) / p.total);
}

/** One send line: bar, percent, sent/total, failures, rate and time left. */
export function formatProgress(p: ProgressLine, opts: { barWidth?: number } = {}): string {
  const left = p.total - p.sent - p.failed - p.bounced;
  const parts = [
    formatBar(p.total - left, p.total, opts.barWidth),
    `${p.sent}/${p.total} sent`,
    `${p.failed} failed`,
  ];
  if (p.bounced > 0) parts.push(`${p.bounced} bounced`);
  if (p.rate !== null && p.rate > 0) {
    parts.push(`${p.rate >= 10 ? Math.round(p.rate) : p.rate.toFixed(1)} msg/s`);
    parts.push(`ETA ${formatDuration((left / p.rate) * 1000)}`);
  } else {
    parts.push("ETA –");
  }
  return parts.join("  ");
}

export interface ProgressWriter {
  update(p: SendCounts): void;
  /** Draws the last state and ends the line. */
  finish(p: SendCounts): void;
}

/** The bar of a newsletter send: redrawn in place on a terminal, otherwise one line per 10%. */
export function createProgressWriter(
  out: ProgressOutput,
  opts: { now?: () => number; redrawMs?: number } = {},
): ProgressWriter {
  const now = opts.now ?? Date.now;
  const bar = barLine(out, { now, redrawMs: opts.redrawMs ?? 100 });
  // the rate counts this run only: a resumed send starts with work done by an earlier one
  let baseline: { at: number; done: number } | null = null;
  let lastDecile = -1;

  const line = (p: SendCounts): string => {
    const done = p.sent + p.failed + p.bounced;
    const at = now();
    baseline ??= { at, done };
    const seconds = (at - baseline.at) / 1000;
    const rate = seconds >= 0.5 && done > baseline.done ? (done - baseline.done) / seconds : null;
    return formatProgress({ total: p.total, sent: p.sent, failed: p.failed, bounced: p.bounced, rate });
  };

  return {
    update(p) {
      const text = line(p);
      if (bar.tty) return bar.draw(text);
      const decile = Math.floor(percentDone(p) / 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        bar.print(text);
      }
    },
    finish(p) {
      const text = line(p);
      // off a terminal the 100% line is already out unless the send stopped short
      if (bar.tty || lastDecile < 10) bar.print(text);
      lastDecile = 10;
    },
  };
}
