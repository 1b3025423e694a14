import { describe, expect, it } from "vitest";
import {
  hasOpenIncident,
  isToShip,
  shippingClock,
  shippingLevel,
  shippingText,
} from "~/domain/orders/shipping-deadline";

const HOUR = 3_600_000;
const deadline = new Date("2026-03-03T10:00:00Z");
const before = (ms: number) => new Date(deadline.getTime() - ms);
const toShip = { state: "SHIPPING", lineStates: ["SHIPPING"], shippingDeadline: deadline };

describe("orders to ship", () => {
  it.each([
    ["SHIPPING", ["SHIPPING"], true],
    ["SHIPPING", ["SHIPPED", "SHIPPING"], true],
    // a line left to ship while the order shows another state
    ["SHIPPED", ["SHIPPED", "SHIPPING"], true],
    ["SHIPPED", ["SHIPPED"], false],
    ["RECEIVED", ["RECEIVED"], false],
    ["WAITING_ACCEPTANCE", ["WAITING_ACCEPTANCE"], false],
    ["WAITING_DEBIT_PAYMENT", ["WAITING_DEBIT_PAYMENT"], false],
    ["CANCELED", ["SHIPPING"], false],
    ["CLOSED", ["CLOSED", "REFUSED"], false],
    ["CLOSED", ["SHIPPING"], false],
    ["REFUSED", ["SHIPPING"], false],
  ])("order %s with lines %j → %s", (state, lineStates, expected) => {
    expect(isToShip({ state, lineStates })).toBe(expected);
  });

  it.each([
    [false, ["SHIPPING"], false],
    [true, ["SHIPPING"], true],
    [false, ["SHIPPED", "INCIDENT_OPEN"], true],
    [false, ["INCIDENT_CLOSED"], false],
  ])("has_incident %s, lines %j → incident open %s", (hasIncident, lineStates, expected) => {
    expect(hasOpenIncident({ hasIncident, lineStates })).toBe(expected);
  });
});

describe("shipping deadline clock", () => {
  it.each([
    [48 * HOUR, "none"],
    [24 * HOUR + 1, "none"],
    [24 * HOUR, "due-soon"], // exactly the warning hours before
    [1, "due-soon"],
    [0, "overdue"], // at the deadline no time is left
    [-5 * HOUR, "overdue"],
  ])("24 h warning, %d ms before the deadline → %s", (left, level) => {
    expect(shippingLevel(left, 24 * HOUR)).toBe(level);
    expect(shippingClock(toShip, 24, before(left))?.level).toBe(level);
  });

  it("says when the level changes next, and the time left", () => {
    expect(shippingClock(toShip, 24, before(30 * HOUR))).toEqual({
      deadline,
      remainingMs: 30 * HOUR,
      level: "none",
      nextChangeAt: before(24 * HOUR),
    });
    expect(shippingClock(toShip, 24, before(2 * HOUR))).toEqual({
      deadline,
      remainingMs: 2 * HOUR,
      level: "due-soon",
      nextChangeAt: deadline,
    });
    expect(shippingClock(toShip, 24, before(-HOUR))).toEqual({
      deadline,
      remainingMs: 0,
      level: "overdue",
      nextChangeAt: null,
    });
  });

  it("follows the connection's warning hours (0: only the deadline itself)", () => {
    expect(shippingClock(toShip, 6, before(7 * HOUR))?.level).toBe("none");
    expect(shippingClock(toShip, 6, before(6 * HOUR))?.level).toBe("due-soon");
    expect(shippingClock(toShip, 0, before(1))?.level).toBe("none");
    expect(shippingClock(toShip, 0, before(1))?.nextChangeAt).toEqual(deadline);
    expect(shippingClock(toShip, 0, deadline)?.level).toBe("overdue");
  });

  it("has no clock for an order not to ship, or without a readable deadline", () => {
    expect(shippingClock({ ...toShip, state: "SHIPPED", lineStates: ["SHIPPED"] }, 24, before(-HOUR))).toBeNull();
    expect(shippingClock({ ...toShip, state: "CANCELED" }, 24, before(-HOUR))).toBeNull();
    expect(shippingClock({ ...toShip, shippingDeadline: null }, 24, deadline)).toBeNull();
    expect(shippingClock({ ...toShip, shippingDeadline: new Date(Number.NaN) }, 24, deadline)).toBeNull();
  });
});

describe("shipping countdown text", () => {
  it.each([
    [0, "overdue"],
    [1, "ship within 1 min"],
    [59 * 60_000, "ship within 59 min"],
    [HOUR, "ship within 1 h"],
    [3 * HOUR + 20 * 60_000, "ship within 3 h 20 min"],
    [24 * HOUR, "ship within 1 d"],
    [52 * HOUR, "ship within 2 d 4 h"],
  ])("%d ms left → %s", (remainingMs, text) => {
    expect(shippingText({ remainingMs })).toBe(text);
  });
});
