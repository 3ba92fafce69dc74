// An uploaded model becomes a Model row (status UPLOADED) whose quantization the job runner picks up.
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Prisma, PrismaClient } from "@fleet/db";
import type { TConsoleConfig } from "../../../config.ts";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { wakeQuantizeRunner } from "../../jobs/wake-quantize-runner.ts";
import { modelPaths } from "../../models/model-paths.ts";
import { beginUpload, discardUpload, openUpload, UploadError } from "../../models/upload-staging.ts";
import { UploadInvalidError, validateUpload } from "../../models/validate-upload.ts";
import { recordAudit, type TActor } from "../audit/record-audit.ts";
import { ZCreateModelInput, type TCreateModelInput } from "./model.types.ts";

export async function startModelUpload(options: {
  config: Pick<TConsoleConfig, "dataDir" | "uploadMaxMb">;
  actor: TActor & { id: string };
}) {
  const { uploadId } = await beginUpload({ dataDir: options.config.dataDir, userId: options.actor.id });
  return { uploadId, maxBytes: options.config.uploadMaxMb * 1024 * 1024 };
}

/** A model id that is also a valid directory name and protocol entity id. */
function newModelId(): string {
  return `m${Date.now().toString(36)}${randomBytes(6).toString("hex")}`;
}

/**
 * Validates the staged upload; on success moves it to FLEET_DATA_DIR/models/<id>/source and queues
 * quantization. On any refusal nothing is stored (the staged files are discarded too).
 */
export async function createModelFromUpload(options: {
  prisma: PrismaClient;
  actor: TActor & { id: string };
  config: Pick<TConsoleConfig, "dataDir" | "uploadMaxMb">;
  input: TCreateModelInput;
}) {
  const input = ZCreateModelInput.parse(options.input);
  const { dataDir } = options.config;
  let staged: string;
  try {
    staged = await openUpload({ dataDir, uploadId: input.uploadId, userId: options.actor.id });
  } catch (error) {
    if (error instanceof UploadError)
      throw new AppError(error.status === 403 ? AppErrorCode.FORBIDDEN : AppErrorCode.NOT_FOUND, error.message);
    throw error;
  }
  const id = newModelId();
  const paths = modelPaths(dataDir, id);
  const checking = path.join(staged, "validated");
  try {
    let source;
    try {
      source = await validateUpload({ staged, dest: checking, maxBytes: options.config.uploadMaxMb * 1024 * 1024 });
    } catch (error) {
      if (error instanceof UploadInvalidError) throw new AppError(AppErrorCode.INVALID_INPUT, error.message);
      throw error;
    }
    await rm(paths.root, { recursive: true, force: true });
    await mkdir(paths.root, { recursive: true });
    await rename(checking, paths.source);
    try {
      const model = await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
        const created = await tx.model.create({
          data: {
            id,
            name: input.name,
            description: input.description,
            format: source.format,
            inputShape: source.inputShape,
            sourceSha256: source.sourceSha256,
            sourceBytes: source.sourceBytes,
            status: "UPLOADED",
            createdById: options.actor.id,
          },
          select: { id: true, name: true, format: true, sourceSha256: true, sourceBytes: true, status: true },
        });
        await recordAudit({
          tx,
          actor: options.actor,
          action: "model.upload",
          entityType: "model",
          entityId: created.id,
          after: { ...created, files: source.files, calibration: source.calibration, validation: source.validation },
        });
        return created;
      });
      wakeQuantizeRunner();
      return { ...model, calibration: source.calibration, validation: source.validation };
    } catch (error) {
      await rm(paths.root, { recursive: true, force: true });
      throw error;
    }
  } finally {
    await discardUpload(staged);
  }
}
