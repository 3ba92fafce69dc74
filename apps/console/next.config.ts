import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source (exports → ./src/*.ts); Next compiles them.
  transpilePackages: ["@fleet/db", "@fleet/log", "@fleet/protocol", "@fleet/settings", "@fleet/variants"],
  // Loaded by Node at runtime instead of bundled: WASM/native assets, dynamic requires, and the
  // Prisma runtime must stay single instances shared with @fleet/db; pino (the logger main.ts sets up,
  // shared through globalThis) is plain Node code that need not be bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@prisma/adapter-pg", "@prisma/client", "pino"],
};

export default nextConfig;
