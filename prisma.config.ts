import { defineConfig } from "prisma/config";

// Prisma CLI config. Our own migrator (packages/db) applies ./prisma/migrations; on a machine
// with Prisma's engines, `prisma migrate deploy` accepts the same folder with DATABASE_URL set.
const url = process.env["DATABASE_URL"];

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
