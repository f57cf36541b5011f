/**
 * The CLI's progress display for a newsletter send: pure formatting, and a small writer that
 * redraws one line on a terminal and prints a line every tenth of the way otherwise (logs and
 * CI output should not fill up with thousands of carriage returns).
 */
import { formatBar, formatDuration } from "../../cli/progress-bar.ts";
import type { DeliveryProgress } from "./delivery.ts";

// the send line's duration format is the CLI's shared one; re-exported for this module's callers
export { formatDuration };

/** What one progress line says. */
export interface ProgressLine {
  total: number;
  sent: number;
  failed: number;
  bounced: number;
  /** Messages finished per second in this run, or null before there is a rate to show. */
  rate: number | null;
}

/** Whole percent done (sent, failed or bounced), 100 for an empty list. */
export function percentDone(p: Pick<ProgressLine, "total" | "sent" | "failed" | "bounced">): number {
  if (p.total <= 0) return 100;
  return Math.floor((100 * (p.sent + p.failed + p.bounced)) / p.total);
}

/** One line: bar, percent, sent/total, failures, rate and time left. */
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
  update(p: DeliveryProgress): void;
  /** Draws the last state and ends the line. */
  finish(p: DeliveryProgress): void;
}

/** A writer for a stream: redraws in place on a TTY, otherwise one line per 10%. */
export function createProgressWriter(
  out: { write(chunk: string): unknown; isTTY?: boolean },
  opts: { now?: () => number; redrawMs?: number } = {},
): ProgressWriter {
  const now = opts.now ?? (() => Date.now());
  const redrawMs = opts.redrawMs ?? 100;
  const tty = out.isTTY === true;
  // the rate counts this run only: a resumed send starts with work done by an earlier one
  let baseline: { at: number; done: number } | null = null;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastDecile = -1;

  const line = (p: DeliveryProgress): string => {
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
      if (tty) {
        if (now() - lastDraw < redrawMs) return;
        lastDraw = now();
        out.write(`\r\x1b[2K${text}`);
        return;
      }
      const decile = Math.floor(percentDone(p) / 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        out.write(`${text}\n`);
      }
    },
    finish(p) {
      const text = line(p);
      if (tty) out.write(`\r\x1b[2K${text}\n`);
      // the 100% line is already out unless the send stopped short
      else if (lastDecile < 10) out.write(`${text}\n`);
      lastDecile = 10;
    },
  };
}
