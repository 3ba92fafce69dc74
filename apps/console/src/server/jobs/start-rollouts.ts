// Runs the rollout driver in the console process: desired revisions go out through the broker as
// the console's service account (credentials in MQTT_URL's user info), artifact links are signed
// by this console. Without MQTT_URL the driver still advances and says why nothing is published.
import type { PrismaClient } from "@fleet/db";
import type { Logger } from "@fleet/log";
import type { TDesiredPayload } from "@fleet/protocol";
import type { TConsoleConfig } from "../../config.ts";
import { getArtifactStore } from "../artifacts/artifact-store.ts";
import { signedVariantUrl } from "../artifacts/signed-url.ts";
import { createDescribeVariant } from "../domain/rollouts/describe-variant.ts";
import { DesiredPublishError, MqttDesiredPublisher } from "../domain/rollouts/mqtt-desired-publisher.ts";
import type { TDesiredPublisher } from "../domain/rollouts/rollout-deps.ts";
import { RolloutDriver } from "../domain/rollouts/rollout-driver.ts";
import { startRolloutTicker } from "../domain/rollouts/rollout-ticker.ts";

/** Connects on first use and again after a failure, so a broker that is not up yet only delays publishing. */
class LazyMqttPublisher implements TDesiredPublisher {
  private connecting: Promise<MqttDesiredPublisher> | null = null;

  constructor(private readonly url: string | null) {}

  async publish(deviceId: string, payload: TDesiredPayload): Promise<void> {
    if (this.url === null) throw new DesiredPublishError("MQTT_URL is not set: desired revisions cannot be published");
    const url = this.url;
    this.connecting ??= MqttDesiredPublisher.connect({ url, connectTimeoutMs: 5_000 }).catch((error: unknown) => {
      this.connecting = null;
      throw error;
    });
    await (await this.connecting).publish(deviceId, payload);
  }

  async close(): Promise<void> {
    const pending = this.connecting;
    this.connecting = null;
    if (pending) await (await pending.catch(() => null))?.close();
  }
}

export function startRollouts(options: {
  prisma: PrismaClient;
  config: Pick<TConsoleConfig, "mqttUrl" | "dataDir">;
  logger: Logger;
}): { stop: () => Promise<void> } {
  const logger = options.logger.child({ component: "rollouts" });
  const publisher = new LazyMqttPublisher(options.config.mqttUrl);
  const store = getArtifactStore(options.config.dataDir);
  const driver = new RolloutDriver({
    prisma: options.prisma,
    publisher,
    describeVariant: createDescribeVariant({
      signedVariantUrl: (variantId, ttl) => signedVariantUrl(variantId, ttl),
      manifestBytes: async (variant) => (await store.stat(variant.artifactKey))?.bytes ?? 0,
    }),
    // The engine's (message, fields) logger onto pino's (fields, message).
    log: {
      info: (message, fields) => logger.info(fields ?? {}, message),
      warn: (message, fields) => logger.warn(fields ?? {}, message),
    },
  });
  const stopTicker = startRolloutTicker(driver);
  return {
    stop: async () => {
      await stopTicker();
      await publisher.close();
    },
  };
}
