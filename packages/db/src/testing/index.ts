export { createTestDatabase, type TTestDatabase, type TTestDatabaseKind } from "./test-database.ts";
export { checkService, type TServiceCheck, type TServiceName } from "./services.ts";
export { testEnv } from "./test-env.ts";
