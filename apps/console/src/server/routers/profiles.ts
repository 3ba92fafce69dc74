import { z } from "zod";
import { sessionActor } from "../domain/audit/record-audit.ts";
import {
  createProfile,
  deleteProfile,
  getProfile,
  listProfiles,
  updateProfile,
} from "../domain/profiles/manage-profiles.ts";
import { ZProfileId, ZProfileInput } from "../domain/profiles/profile.types.ts";
import { rematchDevices } from "../domain/profiles/rematch-devices.ts";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "../trpc.ts";

const ZRef = z.object({ id: ZProfileId });

export const profilesRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listProfiles(ctx.db.prisma)),
  get: protectedProcedure.input(ZRef).query(({ ctx, input }) => getProfile(ctx.db.prisma, input.id)),
  create: operatorProcedure
    .input(ZProfileInput)
    .mutation(({ ctx, input }) =>
      createProfile({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), input }),
    ),
  update: operatorProcedure.input(z.object({ id: ZProfileId, profile: ZProfileInput })).mutation(({ ctx, input }) =>
    updateProfile({
      prisma: ctx.db.prisma,
      actor: sessionActor(ctx.session.user),
      id: input.id,
      input: input.profile,
    }),
  ),
  delete: operatorProcedure
    .input(ZRef)
    .mutation(({ ctx, input }) =>
      deleteProfile({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), id: input.id }),
    ),
  /** Re-evaluates every device (e.g. after agents reported new hardware). Changes only derived columns. */
  rematch: operatorProcedure.mutation(async ({ ctx }) => ({
    rematched: await rematchDevices({ prisma: ctx.db.prisma }),
  })),
});
