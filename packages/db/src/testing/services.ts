import { canConnect } from "../embedded/tcp-probe.ts";
import { testEnv } from "./test-env.ts";

export type TServiceName = "postgres" | "redis" | "mosquitto";

export interface TServiceCheck {
  name: TServiceName;
  url: string;
  available: boolean;
  /** Why the tests that need it are skipped; empty when available. */
  skipReason: string;
}

const urls: Record<TServiceName, string> = {
  postgres: testEnv.FLEET_TEST_POSTGRES_URL,
  redis: testEnv.FLEET_TEST_REDIS_URL,
  mosquitto: testEnv.FLEET_TEST_MQTT_URL,
};

/**
 * Probes a machine service the tests use. Outside CI an absent service skips its tests with a
 * printed reason; under CI=true it throws, because CI must run those tests, not skip them.
 */
export async function checkService(name: TServiceName): Promise<TServiceCheck> {
  const url = urls[name];
  const parsed = new URL(url);
  const available = await canConnect(parsed.hostname, Number(parsed.port), 2_000);
  if (available) return { name, url, available, skipReason: "" };
  const skipReason = `${name} is not reachable at ${parsed.hostname}:${parsed.port}`;
  if (testEnv.CI) {
    throw new Error(`CI=true but ${skipReason}: the tests that need it must run in CI`);
  }
  console.warn(`[skip] ${skipReason}; its tests are skipped (set CI=true to make this an error)`);
  return { name, url, available, skipReason };
}
