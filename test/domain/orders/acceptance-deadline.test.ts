import { describe, expect, it } from "vitest";
import { acceptanceClock, deadlineLevel, remainingText } from "~/domain/orders/acceptance-deadline";

const appeared = new Date("2026-03-01T10:00:00Z");
const after = (ms: number) => new Date(appeared.getTime() + ms);
const HOUR = 3_600_000;

describe("acceptance deadline clock", () => {
  it("deadline = appearance + window; remaining and elapsed in ms", () => {
    expect(acceptanceClock(appeared, 24, after(6 * HOUR))).toEqual({
      deadline: new Date("2026-03-02T10:00:00Z"),
      remainingMs: 18 * HOUR,
      elapsedMs: 6 * HOUR,
      level: "none",
    });
  });

  it.each([
    [0, "none"],
    [12 * HOUR - 1, "none"],
    [12 * HOUR, "warning"], // exactly half the window
    [21.6 * HOUR - 1, "warning"],
    [21.6 * HOUR, "error"], // exactly 90 %
    [24 * HOUR - 1, "error"],
    [24 * HOUR, "expired"], // at the deadline no time is left
    [30 * HOUR, "expired"],
  ])("24 h window, %d ms elapsed → %s", (elapsed, level) => {
    expect(acceptanceClock(appeared, 24, after(elapsed)).level).toBe(level);
  });

  it.each([
    [1, 30 * 60_000, "warning"],
    [1, 54 * 60_000 - 1, "warning"],
    [1, 54 * 60_000, "error"],
    [72, 36 * HOUR, "warning"],
    [72, 64.8 * HOUR, "error"],
  ])("%d h window, %d ms elapsed → %s", (hours, elapsed, level) => {
    expect(acceptanceClock(appeared, hours, after(elapsed)).level).toBe(level);
  });

  it("never negative: after the deadline 0 remains; a clock behind the order's time has elapsed nothing", () => {
    expect(acceptanceClock(appeared, 24, after(48 * HOUR)).remainingMs).toBe(0);
    const early = acceptanceClock(appeared, 24, after(-5_000));
    expect([early.elapsedMs, early.remainingMs, early.level]).toEqual([0, 24 * HOUR, "none"]);
  });

  it("an unreadable time reads as expired, so the line is looked at now (never thrown)", () => {
    expect(acceptanceClock(new Date(Number.NaN), 24, after(0)).level).toBe("expired");
    expect(acceptanceClock(appeared, 24, new Date(Number.NaN)).level).toBe("expired");
  });

  it("levels are exact integer thresholds", () => {
    expect(deadlineLevel(49, 100)).toBe("none");
    expect(deadlineLevel(50, 100)).toBe("warning");
    expect(deadlineLevel(89, 100)).toBe("warning");
    expect(deadlineLevel(90, 100)).toBe("error");
    expect(deadlineLevel(100, 100)).toBe("expired");
  });

  it.each([
    [0, "expired"],
    [30_000, "1 min left"],
    [12 * 60_000, "12 min left"],
    [3 * HOUR, "3 h left"],
    [3 * HOUR + 20 * 60_000, "3 h 20 min left"],
    [3 * HOUR + 1, "3 h 1 min left"],
  ])("%d ms remaining reads %s", (remainingMs, text) => {
    expect(remainingText({ remainingMs })).toBe(text);
  });
});
