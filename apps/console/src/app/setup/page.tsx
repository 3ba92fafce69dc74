import { connection } from "next/server";
import { redirect } from "next/navigation";
import { getConsoleDb } from "../../server/db.ts";
import { SetupForm } from "./setup-form.tsx";

/** First start: no user exists yet, so whoever reaches the console creates the first admin. */
export default async function SetupPage() {
  await connection();
  const db = await getConsoleDb();
  if ((await db.prisma.user.count()) > 0) redirect("/login");
  return (
    <main className="page narrow">
      <header className="page-header">
        <h1>Welcome to Fleet</h1>
        <p className="muted">
          Create the first admin account. (On a server you can also run{" "}
          <code>fleet-console create-admin --email … --password …</code>.)
        </p>
      </header>
      <SetupForm />
    </main>
  );
}
