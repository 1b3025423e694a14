import { describe, expect, it } from "vitest";
import {
  HOUR,
  createManualClock,
  createRateLimiter,
  minorUnitsToMoney,
  moneySchema,
  moneyToMinorUnits,
  toMoney,
} from "~/integrations/mirakl";

const key = (bucket: string, connectionId = "c1") => ({ connectionId, bucket });

describe("rate limiter", () => {
  it("spaces calls of a bucket by the minimum interval, per connection", async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ clock });
    await limiter.acquire(key("STO01"));
    await limiter.acquire(key("STO01", "c2"));
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire(key("STO01"));
    expect(clock.sleeps).toEqual([60_000]);
    clock.advance(10_000);
    await limiter.acquire(key("STO02"));
    await limiter.acquire(key("STO02"));
    expect(clock.sleeps).toEqual([60_000, 15_000]);
  });

  it("books slots for concurrent callers instead of letting them all through", async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ clock: { now: clock.now, sleep: async (ms) => void clock.sleeps.push(ms) } });
    await Promise.all([limiter.acquire(key("OR11")), limiter.acquire(key("OR11")), limiter.acquire(key("OR11"))]);
    expect(clock.sleeps).toEqual([60_000, 120_000]);
  });

  it("enforces TL02's hourly cap on top of its spacing", async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ clock });
    for (let index = 0; index < 61; index += 1) await limiter.acquire(key("TL02"));
    // 60 calls 3 s apart take 177 s; the 61st waits for the first to leave the hour.
    expect(clock.now()).toBe(HOUR);
  });

  it("holds a bucket back after a 429 and leaves unpaced buckets alone", async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ clock });
    await limiter.acquire(key("OR21"));
    await limiter.acquire(key("OR21"));
    expect(clock.sleeps).toEqual([]);
    await limiter.backOff(key("OR21"), 7_000);
    await limiter.acquire(key("OR21"));
    expect(clock.sleeps).toEqual([7_000]);
  });

  it("after a 429 on a paced bucket, the next call waits a full interval after the retry, not after the refused call", async () => {
    // OR11 once a minute: polled at 0, refused at 60 s (Mirakl counted a call we did not see), retried after 1 s.
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ clock });
    await limiter.acquire(key("OR11"));
    clock.advance(60_000);
    await limiter.acquire(key("OR11"));
    await limiter.backOff(key("OR11"), 1_000);
    // The retry goes out at 61 s (the transport sleeps Retry-After); the next poll may not go before 121 s.
    clock.advance(1_000);
    clock.sleeps.length = 0;
    await limiter.acquire(key("OR11"));
    expect(clock.sleeps).toEqual([60_000]);
  });
});

describe("money", () => {
  it("canonicalises JSON numbers and numeric strings without floats", () => {
    expect(toMoney(20.0)).toBe("20");
    expect(toMoney(12.34)).toBe("12.34");
    expect(toMoney("012.500")).toBe("12.5");
    expect(toMoney(-0)).toBe("0");
    expect(() => toMoney("12,50")).toThrow();
    expect(() => toMoney(Number.NaN)).toThrow();
    expect(moneySchema.safeParse("abc").success).toBe(false);
    expect(moneySchema.parse(165)).toBe("165");
  });

  it("converts exactly to and from minor units", () => {
    expect(moneyToMinorUnits("19.9")).toBe(1990n);
    expect(moneyToMinorUnits("-0.07")).toBe(-7n);
    expect(moneyToMinorUnits("5", 3)).toBe(5000n);
    expect(() => moneyToMinorUnits("1.005")).toThrow(/fraction digits/);
    expect(minorUnitsToMoney(1990n)).toBe("19.9");
    expect(minorUnitsToMoney(-7n)).toBe("-0.07");
    expect(minorUnitsToMoney(moneyToMinorUnits("0.1") + moneyToMinorUnits("0.2"))).toBe("0.3");
  });
});
