// Simulated sensors: reproducible per seed, different per device class.
import { describe, expect, it } from "vitest";
import { SimulatedSensor } from "./simulated-sensor.ts";

describe("simulated sensor", () => {
  it("gives the same readings for the same seed, and different ones per class", () => {
    expect(new SimulatedSensor("wearable", 7).next(16)).toEqual(new SimulatedSensor("wearable", 7).next(16));
    expect(new SimulatedSensor("wearable", 7).next(16)).not.toEqual(new SimulatedSensor("gateway", 7).next(16));
  });
});
