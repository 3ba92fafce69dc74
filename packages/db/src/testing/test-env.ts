import { z } from "zod";

// The one place test helpers read the environment. CI=true turns "service absent" into a failure.
const ZTestEnv = z.object({
  CI: z
    .string()
    .optional()
    .transform((value) => value === "true" || value === "1"),
  FLEET_TEST_POSTGRES_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  FLEET_TEST_REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  FLEET_TEST_MQTT_URL: z.string().default("mqtt://127.0.0.1:1883"),
});

export type TTestEnv = z.infer<typeof ZTestEnv>;

export const testEnv: TTestEnv = ZTestEnv.parse(process.env);
