import type { PrismaClient } from "@fleet/db";
import { createFirstAdmin } from "../server/domain/operators/create-first-admin.ts";
import { createUser } from "../server/domain/operators/manage-users.ts";

export interface TCreateAdminOptions {
  prisma: PrismaClient;
  email: string | undefined;
  name: string | undefined;
  password: string | undefined;
}

/**
 * `fleet-console create-admin`: the first admin of a fresh console, or another admin when the
 * console already has users (someone with shell access recovering a locked-out fleet).
 * Returns the line to print; bad input throws a ZodError naming the flag.
 */
export async function createAdminFromCli({ prisma, email, name, password }: TCreateAdminOptions): Promise<string> {
  const input = { email: email ?? "", name: name ?? email?.split("@")[0] ?? "", password: password ?? "" };
  if ((await prisma.user.count()) === 0) {
    const user = await createFirstAdmin({ prisma, input, via: "cli" });
    return `created the first admin ${user.email}`;
  }
  const user = await createUser({
    prisma,
    actor: { id: null, label: "fleet-console create-admin (cli)" },
    input: { ...input, role: "ADMIN" },
  });
  return `created admin ${user.email}`;
}
