import { sessionActor } from "../domain/audit/record-audit.ts";
import { createModelFromUpload, startModelUpload } from "../domain/models/create-model.ts";
import { getModel, listModels, retryModel } from "../domain/models/get-model.ts";
import { ZCreateModelInput, ZModelRef } from "../domain/models/model.types.ts";
import { recordAudit } from "../domain/audit/record-audit.ts";
import { wakeQuantizeRunner } from "../jobs/wake-quantize-runner.ts";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "../trpc.ts";

export const modelsRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listModels({ prisma: ctx.db.prisma })),
  get: protectedProcedure
    .input(ZModelRef)
    .query(({ ctx, input }) => getModel({ prisma: ctx.db.prisma, dataDir: ctx.config.dataDir, id: input.id })),

  /** Step 1 of an upload: an id to PUT files to (/api/uploads/<id>/<model|calib|val>/<name>). */
  startUpload: operatorProcedure.mutation(({ ctx }) =>
    startModelUpload({ config: ctx.config, actor: { id: ctx.session.user.id, label: ctx.session.user.email } }),
  ),
  /** Step 3: validate what was uploaded and queue quantization. */
  create: operatorProcedure.input(ZCreateModelInput).mutation(({ ctx, input }) =>
    createModelFromUpload({
      prisma: ctx.db.prisma,
      actor: { id: ctx.session.user.id, label: ctx.session.user.email },
      config: ctx.config,
      input,
    }),
  ),
  retry: operatorProcedure.input(ZModelRef).mutation(async ({ ctx, input }) => {
    await retryModel({ prisma: ctx.db.prisma, id: input.id });
    await recordAudit({
      tx: ctx.db.prisma,
      actor: sessionActor(ctx.session.user),
      action: "model.retry",
      entityType: "model",
      entityId: input.id,
      after: { status: "UPLOADED" },
    });
    wakeQuantizeRunner();
    return { ok: true };
  }),
});
