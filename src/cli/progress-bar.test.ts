/** The newsletter send's progress line and writer: what it says, and how often it writes on a terminal and off one. */
import { describe, expect, it } from "vitest";
import type { DeliveryProgress } from "../features/newsletter/delivery/index.ts";
import { createProgressWriter, formatDuration, formatProgress, percentDone } from "./progress-bar.ts";

const at = (sent: number, extra: Partial<DeliveryProgress> = {}): DeliveryProgress => ({
  issueId: 1,
  total: 200,
  pending: 200 - sent,
  sending: 0,
  sent,
  failed: 0,
  bounced: 0,
  ...extra,
});

describe("formatProgress", () => {
  it("shows the bar, percent, sent of total, failures, rate and time left", () => {
    expect(formatProgress({ total: 200, sent: 100, failed: 2, bounced: 0, rate: 49 }, { barWidth: 10 })).toBe(
      "[#####-----]  51%  100/200 sent  2 failed  49 msg/s  ETA 0:02",
    );
    expect(formatProgress({ total: 200, sent: 0, failed: 0, bounced: 3, rate: null }, { barWidth: 4 })).toBe(
      "[----]   1%  0/200 sent  0 failed  3 bounced  ETA –",
    );
  });

  it("counts an empty list as done and formats long waits with hours", () => {
    expect(percentDone({ total: 0, sent: 0, failed: 0, bounced: 0 })).toBe(100);
    expect(formatDuration(59_400)).toBe("0:59");
    expect(formatDuration(3_725_000)).toBe("1:02:05");
  });
});

describe("createProgressWriter", () => {
  it("writes a line every tenth of the way when the output is not a terminal", () => {
    const lines: string[] = [];
    let clock = 0;
    const w = createProgressWriter({ write: (s) => lines.push(s) }, { now: () => clock });
    for (let sent = 0; sent <= 200; sent++) {
      clock += 10;
      w.update(at(sent));
    }
    w.finish(at(200));
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
    expect(lines[5]).toContain(" 50%  100/200 sent");
    expect(lines[10]).toContain("100%  200/200 sent  0 failed  100 msg/s  ETA 0:00");
  });

  it("redraws one line in place on a terminal, at most every redrawMs, and ends it on finish", () => {
    const out: string[] = [];
    let clock = 0;
    const w = createProgressWriter(
      { write: (s) => out.push(s), isTTY: true },
      { now: () => clock, redrawMs: 100 },
    );
    for (let sent = 0; sent < 100; sent++) {
      clock += 10;
      w.update(at(sent));
    }
    w.finish(at(150, { failed: 50 }));
    expect(out).toHaveLength(11);
    expect(out.slice(0, -1).every((s) => s.startsWith("\r\x1b[2K") && !s.includes("\n"))).toBe(true);
    const last = out.at(-1)!;
    expect(last.startsWith("\r\x1b[2K[########################] 100%  150/200 sent  50 failed")).toBe(true);
    expect(last.endsWith("\n")).toBe(true);
  });

  it("stops short visibly: a send that ends early prints its last state", () => {
    const lines: string[] = [];
    const w = createProgressWriter({ write: (s) => lines.push(s) }, { now: () => 0 });
    w.update(at(0));
    w.update(at(30));
    w.finish(at(35));
    expect(lines.at(-1)).toContain(" 17%  35/200 sent");
  });
});
