import { getPublicKeyInfo } from "../domain/keys/get-public-key.ts";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const keysRouter = createTRPCRouter({
  /** The ed25519 public key agents verify manifests with (also GET /api/public-key and `fleet-console public-key`). */
  publicKey: protectedProcedure.query(({ ctx }) => getPublicKeyInfo({ dataDir: ctx.config.dataDir })),
});
