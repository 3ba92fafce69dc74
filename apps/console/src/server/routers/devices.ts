import { z } from "zod";
import { sessionActor } from "../domain/audit/record-audit.ts";
import { deleteDevice, rotateDeviceSecret, setDeviceEnabled } from "../domain/devices/change-device.ts";
import { createDevice } from "../domain/devices/create-device.ts";
import { createDevicesFromCsv, ZCreateDevicesFromCsvInput } from "../domain/devices/create-devices-from-csv.ts";
import { ZCreateDeviceInput, ZDeviceRef } from "../domain/devices/device.types.ts";
import { getDevice, getDeviceHistory } from "../domain/devices/get-device.ts";
import { getFleetOverview } from "../domain/devices/get-fleet-overview.ts";
import { listDeviceTags } from "../domain/devices/list-device-tags.ts";
import { listDevices, ZListDevicesInput } from "../domain/devices/list-devices.ts";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "../trpc.ts";

export const devicesRouter = createTRPCRouter({
  list: protectedProcedure
    .input(ZListDevicesInput)
    .query(({ ctx, input }) => listDevices({ prisma: ctx.db.prisma, input })),
  get: protectedProcedure
    .input(ZDeviceRef)
    .query(({ ctx, input }) => getDevice({ prisma: ctx.db.prisma, id: input.id })),
  history: protectedProcedure
    .input(ZDeviceRef)
    .query(({ ctx, input }) => getDeviceHistory({ prisma: ctx.db.prisma, id: input.id })),
  overview: protectedProcedure.query(({ ctx }) => getFleetOverview({ prisma: ctx.db.prisma })),
  tags: protectedProcedure.query(({ ctx }) => listDeviceTags({ prisma: ctx.db.prisma })),

  create: operatorProcedure
    .input(ZCreateDeviceInput)
    .mutation(({ ctx, input }) =>
      createDevice({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), config: ctx.config, input }),
    ),
  createFromCsv: operatorProcedure.input(ZCreateDevicesFromCsvInput).mutation(({ ctx, input }) =>
    createDevicesFromCsv({
      prisma: ctx.db.prisma,
      actor: sessionActor(ctx.session.user),
      config: ctx.config,
      csv: input.csv,
    }),
  ),
  rotateSecret: operatorProcedure.input(ZDeviceRef).mutation(({ ctx, input }) =>
    rotateDeviceSecret({
      prisma: ctx.db.prisma,
      actor: sessionActor(ctx.session.user),
      config: ctx.config,
      id: input.id,
    }),
  ),
  setEnabled: operatorProcedure.input(ZDeviceRef.extend({ enabled: z.boolean() })).mutation(({ ctx, input }) =>
    setDeviceEnabled({
      prisma: ctx.db.prisma,
      actor: sessionActor(ctx.session.user),
      id: input.id,
      enabled: input.enabled,
    }),
  ),
  delete: operatorProcedure
    .input(ZDeviceRef)
    .mutation(({ ctx, input }) =>
      deleteDevice({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), id: input.id }),
    ),
});
