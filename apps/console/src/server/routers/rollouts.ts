import { z } from "zod";
import { sessionActor } from "../domain/audit/record-audit.ts";
import { chooseRolloutVariant } from "../domain/rollouts/choose-rollout-variant.ts";
import {
  getRollout,
  listRolloutDevices,
  listRollouts,
  ZListRolloutDevicesInput,
  ZListRolloutsInput,
} from "../domain/rollouts/get-rollout.ts";
import {
  abortRollout,
  createRollout,
  pauseRollout,
  previewRollout,
  resumeRollout,
  rollbackRollout,
  startRollout,
} from "../domain/rollouts/manage-rollouts.ts";
import type { TChooseVariant } from "../domain/rollouts/rollout-deps.ts";
import {
  ZCreateRolloutInput,
  ZRolloutPlanInput,
  ZRolloutReason,
  ZRolloutRef,
} from "../domain/rollouts/rollout.types.ts";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "../trpc.ts";

const ZReasonInput = ZRolloutRef.extend({ reason: ZRolloutReason });

/** The rollouts router; `chooseVariant` is injectable for tests (default: domain/models' chooser). */
export function createRolloutsRouter(chooseVariant: TChooseVariant = chooseRolloutVariant) {
  return createTRPCRouter({
    list: protectedProcedure
      .input(ZListRolloutsInput)
      .query(({ ctx, input }) => listRollouts({ prisma: ctx.db.prisma, input })),
    get: protectedProcedure
      .input(ZRolloutRef)
      .query(({ ctx, input }) => getRollout({ prisma: ctx.db.prisma, id: input.id })),
    devices: protectedProcedure
      .input(ZListRolloutDevicesInput)
      .query(({ ctx, input }) => listRolloutDevices({ prisma: ctx.db.prisma, input })),
    preview: protectedProcedure
      .input(ZRolloutPlanInput)
      .query(({ ctx, input }) => previewRollout({ prisma: ctx.db.prisma, chooseVariant, input })),

    create: operatorProcedure
      .input(ZCreateRolloutInput)
      .mutation(({ ctx, input }) =>
        createRollout({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), chooseVariant, input }),
      ),
    start: operatorProcedure
      .input(ZRolloutRef)
      .mutation(({ ctx, input }) =>
        startRollout({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), chooseVariant, id: input.id }),
      ),
    pause: operatorProcedure.input(ZReasonInput).mutation(({ ctx, input }) =>
      pauseRollout({
        prisma: ctx.db.prisma,
        actor: sessionActor(ctx.session.user),
        id: input.id,
        reason: input.reason,
      }),
    ),
    resume: operatorProcedure
      .input(ZRolloutRef.extend({ skipGate: z.boolean().default(false) }))
      .mutation(({ ctx, input }) =>
        resumeRollout({
          prisma: ctx.db.prisma,
          actor: sessionActor(ctx.session.user),
          id: input.id,
          skipGate: input.skipGate,
        }),
      ),
    abort: operatorProcedure.input(ZReasonInput).mutation(({ ctx, input }) =>
      abortRollout({
        prisma: ctx.db.prisma,
        actor: sessionActor(ctx.session.user),
        id: input.id,
        reason: input.reason,
      }),
    ),
    rollback: operatorProcedure.input(ZReasonInput).mutation(({ ctx, input }) =>
      rollbackRollout({
        prisma: ctx.db.prisma,
        actor: sessionActor(ctx.session.user),
        id: input.id,
        reason: input.reason,
      }),
    ),
  });
}

export const rolloutsRouter = createRolloutsRouter();

/** The rollouts router mounted alone: the type the rollout pages use until root.ts registers it. */
const rolloutsApp = createTRPCRouter({ rollouts: rolloutsRouter });
export type TRolloutsApp = typeof rolloutsApp;
