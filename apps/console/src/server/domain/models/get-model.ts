// Models as the console shows them: the list, and one model with its variants, their report, and
// which hardware profile would get which variant (chooseVariant).
import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@fleet/db";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { loadQuantize } from "../../lazy-packages.ts";
import { modelPaths } from "../../models/model-paths.ts";
import { profileSelect } from "../profiles/profile.types.ts";
import { chooseVariant } from "./choose-variant.ts";
import { modelSelect, variantSelect } from "./model.types.ts";

export async function listModels(options: { prisma: PrismaClient }) {
  const rows = await options.prisma.model.findMany({ select: modelSelect, orderBy: { createdAt: "desc" }, take: 200 });
  return rows.map(({ _count, createdBy, ...model }) => ({
    ...model,
    variantCount: _count.variants,
    createdBy: createdBy?.email ?? null,
  }));
}

/** The report-level facts of the stored report.json (data sets, backend, warnings), when present. */
async function readReportSummary(dataDir: string, modelId: string) {
  try {
    const { ZReport } = await loadQuantize();
    const report = ZReport.safeParse(JSON.parse(await readFile(modelPaths(dataDir, modelId).report, "utf8")));
    if (!report.success) return null;
    const { backend, data, warnings, activationCalibration, model } = report.data;
    return {
      backend,
      data,
      warnings,
      activationCalibration: activationCalibration ?? null,
      parameters: model.parameters,
      weightBytes: model.weightBytes,
    };
  } catch {
    return null;
  }
}

export async function getModel(options: { prisma: PrismaClient; dataDir: string; id: string }) {
  const row = await options.prisma.model.findUnique({ where: { id: options.id }, select: modelSelect });
  if (!row) throw new AppError(AppErrorCode.NOT_FOUND, `No model with id ${options.id}.`);
  const [variantRows, profiles, report] = await Promise.all([
    options.prisma.modelVariant.findMany({
      where: { modelId: options.id },
      select: variantSelect,
      orderBy: { bytes: "desc" },
    }),
    options.prisma.hardwareProfile.findMany({
      select: { ...profileSelect, _count: { select: { devices: true } } },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
    }),
    readReportSummary(options.dataDir, options.id),
  ]);
  const { ZVariantReport } = await loadQuantize();
  const choices = profiles.map((profile) => ({
    profileId: profile.id,
    profileName: profile.name,
    devices: profile._count.devices,
    ...chooseVariant(profile, variantRows),
  }));
  const variants = variantRows.map((variant) => {
    const parsed = ZVariantReport.safeParse(variant.metrics);
    const metrics = parsed.success ? parsed.data : null;
    return {
      id: variant.id,
      name: variant.name,
      precision: variant.precision,
      engine: variant.engine,
      bytes: variant.bytes,
      sha256: variant.sha256,
      signature: variant.signature,
      createdAt: variant.createdAt,
      ratio: metrics?.ratio ?? null,
      accuracy: metrics?.accuracy ?? null,
      accuracyDelta: metrics?.accuracyDelta ?? null,
      agreement: metrics?.agreement ?? null,
      latency: metrics?.runtime
        ? {
            medianMs: metrics.runtime.latency.medianMs,
            p95Ms: metrics.runtime.latency.p95Ms,
            loadMs: metrics.runtime.loadMs,
          }
        : null,
      selfTest: metrics?.runtime?.selfTest ?? null,
      backend: metrics?.runtime?.backend ?? null,
      fullInt8: metrics?.fullInt8 ?? null,
      /** onnx-int8: the activation calibration kept, and the validation accuracy of each method */
      calibration: metrics?.calibration ?? null,
      layers: (metrics?.layers ?? []).map((layer) => ({
        name: layer.name,
        op: layer.op,
        precision: layer.precision,
        weightSqnrDb: layer.weights.sqnrDb,
        activationSqnrDb: layer.activations?.sqnrDb ?? null,
      })),
      chosenFor: choices.filter((choice) => choice.variant?.id === variant.id).map((choice) => choice.profileName),
    };
  });
  const { _count, createdBy, ...model } = row;
  return { ...model, variantCount: _count.variants, createdBy: createdBy?.email ?? null, variants, choices, report };
}

/** FAILED → UPLOADED again (same stored source), e.g. after fixing the console's disk. */
export async function retryModel(options: { prisma: PrismaClient; id: string }) {
  const updated = await options.prisma.model.updateMany({
    where: { id: options.id, status: "FAILED" },
    data: { status: "UPLOADED", progress: 0, error: null },
  });
  if (updated.count === 0) throw new AppError(AppErrorCode.CONFLICT, "Only a failed model can be quantized again.");
}
