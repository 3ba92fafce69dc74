// Tooling entry (`@fleet/db/migrator`): kept out of the main entry so apps that bundle the
// client (the console under Next) do not trace the migrations folder or the schema wasm.
export { migrate, migrationStatus, type TMigrateResult, type TMigrationStatus } from "./migrate.ts";
export { readMigrations, defaultMigrationsDir, type TMigration } from "./read-migrations.ts";
export { verifySchema } from "../schema-parity/verify-schema.ts";
