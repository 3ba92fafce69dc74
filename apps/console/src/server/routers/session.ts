import { UserRole } from "@fleet/db";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

const ZSessionUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(UserRole),
});

export const sessionRouter = createTRPCRouter({
  /** The signed-in operator. */
  me: protectedProcedure.output(ZSessionUser).query(({ ctx }) => ctx.session.user),
});
