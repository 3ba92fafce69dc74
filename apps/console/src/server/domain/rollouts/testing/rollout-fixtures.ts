// Test support for rollouts: a mixed fleet in the database, a simple variant chooser (stand-in for
// domain/models' chooseVariant), and agents simulated at the database level: they take the retained
// `desired` message of the in-memory publisher and write DeviceReport / TelemetrySample rows exactly
// as the broker's ingest does for real agents (variantId = target ?? active, error "code: message").
import type { Engine, Precision, PrismaClient } from "@fleet/db";
import type { TDesiredPayload, TDesiredVariant } from "@fleet/protocol";
import { deviceRunsEngine } from "../../models/choose-variant.ts";
import type { MemoryDesiredPublisher } from "../memory-desired-publisher.ts";
import type { TChooseVariant, TDescribeVariant, TRolloutVariant } from "../rollout-deps.ts";

const SIGNATURE = `${"A".repeat(43)}+/${"b".repeat(41)}==`;

/** Most accurate allowed variant within the byte limit that loads on the device, ties to the smaller. */
export const simpleChooser: TChooseVariant = (profile, variants, device) => {
  const accuracy = (variant: TRolloutVariant) =>
    Number((variant.metrics as { accuracy?: number } | null)?.accuracy ?? 0);
  const fitting = variants.filter(
    (variant) =>
      profile.allowedPrecisions.includes(variant.precision) &&
      profile.allowedEngines.includes(variant.engine) &&
      deviceRunsEngine(device, variant.engine) &&
      (profile.maxModelBytes === null || variant.bytes <= profile.maxModelBytes),
  );
  const best = [...fitting].sort((a, b) => accuracy(b) - accuracy(a) || a.bytes - b.bytes)[0];
  if (!best)
    return {
      variantId: null,
      reason: `No variant fits "${profile.name}" (precisions ${profile.allowedPrecisions.join(", ")}, ≤ ${profile.maxModelBytes ?? "any"} bytes).`,
    };
  return { variantId: best.id, reason: `${best.name}: most accurate variant allowed by "${profile.name}".` };
};

export const fakeDescribe: TDescribeVariant = async (variant): Promise<TDesiredVariant> => ({
  id: variant.id,
  modelId: variant.modelId,
  url: `http://console.test/api/artifacts/${variant.id}/manifest.json?sig=x`,
  sha256: variant.sha256,
  bytes: 1_000,
  signature: variant.signature,
  precision: variant.precision,
  engine: variant.engine,
});

export interface TFleetFixture {
  modelId: string;
  oldVariantId: string;
  variants: Record<"fp16" | "int8" | "int4", string>;
  profiles: { gateway: string; wearable: string };
  gateways: string[];
  wearables: string[];
  /** A device no profile matches. */
  orphan: string;
}

let sequence = 0;

/** `gateways` + `wearables` devices (+ one without profile), all running an older model's variant. */
export async function seedFleet(
  prisma: PrismaClient,
  options: { gateways: number; wearables: number; prefix?: string },
): Promise<TFleetFixture> {
  sequence += 1;
  const p = options.prefix ?? `f${sequence}`;
  const gateway = await prisma.hardwareProfile.create({
    data: {
      name: `${p} gateways`,
      rules: { classes: ["gateway"] },
      priority: 10,
      allowedPrecisions: ["fp16", "int8"],
      maxModelBytes: 10_000_000,
      latencyBudgetMs: 50,
    },
    select: { id: true },
  });
  const wearable = await prisma.hardwareProfile.create({
    data: {
      name: `${p} wearables`,
      rules: { classes: ["wearable"] },
      priority: 20,
      allowedPrecisions: ["int8", "int4"],
      maxModelBytes: 1_500_000,
      latencyBudgetMs: 200,
    },
    select: { id: true },
  });
  const variant = (modelId: string, name: string, precision: Precision, bytes: number, accuracy: number) => ({
    modelId,
    name,
    precision,
    bytes,
    sha256: createSha(`${p}-${modelId}-${name}`),
    signature: SIGNATURE,
    artifactKey: createSha(`${p}-${modelId}-${name}`),
    metrics: { accuracy },
  });
  const old = await prisma.model.create({
    data: {
      name: `${p} old`,
      format: "tfjs-layers",
      inputShape: [4],
      sourceSha256: createSha(`${p}old`),
      sourceBytes: 1,
      status: "READY",
    },
    select: { id: true },
  });
  const oldVariant = await prisma.modelVariant.create({
    data: variant(old.id, "int8", "int8", 1_000_000, 0.9),
    select: { id: true },
  });
  const model = await prisma.model.create({
    data: {
      name: `${p} new`,
      format: "tfjs-layers",
      inputShape: [4],
      sourceSha256: createSha(`${p}new`),
      sourceBytes: 1,
      status: "READY",
    },
    select: { id: true },
  });
  const fp16 = await prisma.modelVariant.create({
    data: variant(model.id, "fp16", "fp16", 4_000_000, 0.99),
    select: { id: true },
  });
  const int8 = await prisma.modelVariant.create({
    data: variant(model.id, "int8", "int8", 2_000_000, 0.98),
    select: { id: true },
  });
  const int4 = await prisma.modelVariant.create({
    data: variant(model.id, "int4", "int4", 1_000_000, 0.95),
    select: { id: true },
  });

  const gateways = Array.from({ length: options.gateways }, (_, i) => `${p}-gw-${String(i).padStart(4, "0")}`);
  const wearables = Array.from({ length: options.wearables }, (_, i) => `${p}-wr-${String(i).padStart(4, "0")}`);
  const orphan = `${p}-odd-0`;
  await prisma.device.createMany({
    data: [
      ...gateways.map((id) => ({
        id,
        name: id,
        credentialHash: "x",
        deviceClass: "GATEWAY" as const,
        profileId: gateway.id,
        tags: [p, "gw"],
        activeVariantId: oldVariant.id,
        status: "ONLINE" as const,
      })),
      ...wearables.map((id) => ({
        id,
        name: id,
        credentialHash: "x",
        deviceClass: "WEARABLE" as const,
        profileId: wearable.id,
        tags: [p, "wr"],
        activeVariantId: oldVariant.id,
        status: "ONLINE" as const,
      })),
      {
        id: orphan,
        name: orphan,
        credentialHash: "x",
        tags: [p],
        profileReason: "No profile matched: arch riscv64.",
        activeVariantId: oldVariant.id,
      },
    ],
  });
  return {
    modelId: model.id,
    oldVariantId: oldVariant.id,
    variants: { fp16: fp16.id, int8: int8.id, int4: int4.id },
    profiles: { gateway: gateway.id, wearable: wearable.id },
    gateways,
    wearables,
    orphan,
  };
}

export interface TEngineFleetFixture {
  modelId: string;
  profileId: string;
  variants: { tfjs: string; onnx: string };
  /** What each device ran before: a tfjs variant on tfjs-only devices, an onnx one where onnx loads. */
  oldVariants: { tfjs: string; onnx: string };
  /** Their last birth reported engines tfjs and onnx. */
  onnxDevices: string[];
  /** Their last birth reported tfjs only. */
  tfjsDevices: string[];
  /** Matched to the profile but no hardware reported (yet). */
  unknownDevice: string;
}

/**
 * A fleet of one profile (int8, onnx preferred) for a model with an int8 variant on each engine
 * (same accuracy): devices whose last birth reported onnx, devices reporting tfjs only, and one
 * that has reported no hardware.
 */
export async function seedEngineFleet(
  prisma: PrismaClient,
  options: { onnx: number; tfjs: number; prefix: string },
): Promise<TEngineFleetFixture> {
  const p = options.prefix;
  const profile = await prisma.hardwareProfile.create({
    data: {
      name: `${p} edge`,
      rules: {},
      priority: 5,
      allowedPrecisions: ["int8", "fp32"],
      allowedEngines: ["tfjs", "onnx"],
      preferredEngine: "onnx",
    },
    select: { id: true },
  });
  const variant = (
    modelId: string,
    name: string,
    precision: Precision,
    engine: Engine,
    bytes: number,
    accuracy: number,
  ) => ({
    modelId,
    name,
    precision,
    engine,
    bytes,
    sha256: createSha(`${p}-${modelId}-${name}`),
    signature: SIGNATURE,
    artifactKey: createSha(`${p}-${modelId}-${name}`),
    metrics: { accuracy },
  });
  const model = (name: string) =>
    prisma.model.create({
      data: {
        name: `${p} ${name}`,
        format: "tfjs-layers",
        inputShape: [4],
        sourceSha256: createSha(`${p}${name}`),
        sourceBytes: 1,
        status: "READY",
      },
      select: { id: true },
    });
  const old = await model("old");
  const oldTfjs = await prisma.modelVariant.create({
    data: variant(old.id, "int8-channel", "int8", "tfjs", 30_000, 93),
    select: { id: true },
  });
  const oldOnnx = await prisma.modelVariant.create({
    data: variant(old.id, "onnx-int8", "int8", "onnx", 31_000, 93),
    select: { id: true },
  });
  const fresh = await model("new");
  const tfjs = await prisma.modelVariant.create({
    data: variant(fresh.id, "int8-channel", "int8", "tfjs", 30_000, 95),
    select: { id: true },
  });
  const onnx = await prisma.modelVariant.create({
    data: variant(fresh.id, "onnx-int8", "int8", "onnx", 31_000, 95),
    select: { id: true },
  });
  await prisma.modelVariant.create({
    data: variant(fresh.id, "onnx-fp32", "fp32", "onnx", 100_000, 94),
    select: { id: true },
  });

  const hardware = (engines: string[]) => ({
    arch: "arm64",
    cpuModel: "",
    cores: 4,
    ramTotalMb: 2048,
    ramFreeMb: 1024,
    wasmSimd: true,
    engines,
    backends: ["wasm"],
    nodeVersion: "v20.11.1",
    class: "gateway",
  });
  const onnxDevices = Array.from({ length: options.onnx }, (_, i) => `${p}-onnx-${i}`);
  const tfjsDevices = Array.from({ length: options.tfjs }, (_, i) => `${p}-tfjs-${i}`);
  const unknownDevice = `${p}-unknown-0`;
  const device = (id: string, engines: string[] | null, activeVariantId: string) => ({
    id,
    name: id,
    credentialHash: "x",
    tags: [p],
    profileId: profile.id,
    activeVariantId,
    status: "ONLINE" as const,
    ...(engines ? { hardware: hardware(engines) } : {}),
  });
  await prisma.device.createMany({
    data: [
      ...onnxDevices.map((id) => device(id, ["tfjs", "onnx"], oldOnnx.id)),
      ...tfjsDevices.map((id) => device(id, ["tfjs"], oldTfjs.id)),
      device(unknownDevice, null, oldTfjs.id),
    ],
  });
  return {
    modelId: fresh.id,
    profileId: profile.id,
    variants: { tfjs: tfjs.id, onnx: onnx.id },
    oldVariants: { tfjs: oldTfjs.id, onnx: oldOnnx.id },
    onnxDevices,
    tfjsDevices,
    unknownDevice,
  };
}

function createSha(seed: string): string {
  let out = "";
  let h = 2166136261;
  while (out.length < 64) {
    for (const ch of seed + out.length) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

export type TAgentOutcome = "ok" | "self_test_failed" | "download_failed";

/**
 * Agents simulated at the database level. `deliver()` hands every online device the retained desired
 * message it has not handled yet and writes the reports a real agent would send for it; `telemetry()`
 * writes one sample per online device for the variant it runs.
 */
export class SimulatedAgents {
  readonly online = new Set<string>();
  readonly lastRev = new Map<string, number>();
  readonly active = new Map<string, string | null>();
  /** Outcome of installing a variant on a device; default ok. */
  outcome: (deviceId: string, variantId: string) => TAgentOutcome = () => "ok";
  latencyP95: (deviceId: string, variantId: string | null) => number = () => 10;
  errorsPer100: (deviceId: string, variantId: string | null) => number = () => 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly publisher: MemoryDesiredPublisher,
    private readonly clock: () => Date,
  ) {}

  /** Starts devices online, running `variantId`. */
  boot(deviceIds: readonly string[], variantId: string | null): void {
    for (const id of deviceIds) {
      this.online.add(id);
      this.active.set(id, variantId);
    }
  }

  /** Handles the retained desired message of every online device; returns how many revisions were handled. */
  async deliver(): Promise<number> {
    const reports: Array<{
      deviceId: string;
      ts: Date;
      rev: number;
      state: string;
      variantId: string | null;
      error: string | null;
    }> = [];
    let handled = 0;
    for (const deviceId of this.online) {
      const desired: TDesiredPayload | undefined = this.publisher.retained.get(deviceId);
      if (!desired || desired.rev <= (this.lastRev.get(deviceId) ?? 0)) continue;
      handled += 1;
      this.lastRev.set(deviceId, desired.rev);
      const t0 = this.clock().getTime();
      const at = (offset: number) => new Date(t0 + offset);
      const target = desired.variant?.id ?? null;
      const current = this.active.get(deviceId) ?? null;
      if (target === null || target === current) {
        this.active.set(deviceId, target);
        reports.push({
          deviceId,
          ts: at(0),
          rev: desired.rev,
          state: "active",
          variantId: target ?? current,
          error: null,
        });
        continue;
      }
      const outcome = this.outcome(deviceId, target);
      reports.push({ deviceId, ts: at(0), rev: desired.rev, state: "downloading", variantId: target, error: null });
      if (outcome === "download_failed") {
        reports.push({
          deviceId,
          ts: at(1),
          rev: desired.rev,
          state: "failed",
          variantId: target,
          error: "download_failed: 403 expired",
        });
        continue;
      }
      reports.push({ deviceId, ts: at(1), rev: desired.rev, state: "verifying", variantId: target, error: null });
      reports.push({ deviceId, ts: at(2), rev: desired.rev, state: "activating", variantId: target, error: null });
      if (outcome === "self_test_failed") {
        reports.push({
          deviceId,
          ts: at(3),
          rev: desired.rev,
          state: "rolled_back",
          variantId: target,
          error: "self_test_failed: output differs from the golden output",
        });
        continue;
      }
      this.active.set(deviceId, target);
      reports.push({ deviceId, ts: at(3), rev: desired.rev, state: "active", variantId: target, error: null });
    }
    if (reports.length > 0) await this.prisma.deviceReport.createMany({ data: reports });
    return handled;
  }

  /** One telemetry sample per online device, at the clock's time. */
  async telemetry(): Promise<void> {
    const ts = new Date(this.clock().getTime() + 10);
    const rows = [...this.online].map((deviceId) => {
      const variantId = this.active.get(deviceId) ?? null;
      const p95 = this.latencyP95(deviceId, variantId);
      return {
        deviceId,
        ts,
        inferences: 100,
        latencyP50: p95 / 2,
        latencyP95: p95,
        latencyP99: p95 * 1.5,
        cpuPct: 10,
        rssMb: 50,
        errors: this.errorsPer100(deviceId, variantId),
        variantId,
      };
    });
    if (rows.length > 0) await this.prisma.telemetrySample.createMany({ data: rows });
  }
}
