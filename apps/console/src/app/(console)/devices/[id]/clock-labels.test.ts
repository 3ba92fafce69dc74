import { describe, expect, it } from "vitest";
import { clockLabels } from "./clock-labels.ts";

describe("clockLabels", () => {
  const at = (h: number, m: number, s: number) => new Date(2026, 10, 29, h, m, s).getTime() / 1000;

  it("labels ticks less than a minute apart with hours, minutes and seconds", () => {
    expect(clockLabels([at(9, 5, 0), at(9, 5, 10), at(9, 5, 20)], 10)).toEqual(["09:05:00", "09:05:10", "09:05:20"]);
  });

  it("labels ticks a minute or more apart with hours and minutes", () => {
    expect(clockLabels([at(23, 58, 0), at(23, 59, 0), at(0, 0, 0)], 60)).toEqual(["23:58", "23:59", "00:00"]);
  });
});
