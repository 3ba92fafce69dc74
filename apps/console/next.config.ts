import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source (exports → ./src/*.ts); Next compiles them.
  transpilePackages: ["@fleet/db", "@fleet/protocol", "@fleet/settings", "@fleet/variants"],
  // Loaded by Node at runtime instead of bundled: WASM/native assets, dynamic requires, and the
  // Prisma runtime must stay single instances shared with @fleet/db.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@prisma/adapter-pg", "@prisma/client"],
};

export default nextConfig;
