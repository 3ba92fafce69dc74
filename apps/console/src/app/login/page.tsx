import { connection } from "next/server";
import { redirect } from "next/navigation";
import { getConsoleDb } from "../../server/db.ts";
import { getPageUser } from "../page-session.ts";
import { LoginForm } from "./login-form.tsx";

export default async function LoginPage() {
  await connection();
  if (await getPageUser()) redirect("/");
  const db = await getConsoleDb();
  if ((await db.prisma.user.count()) === 0) redirect("/setup");
  return (
    <main className="page narrow">
      <header className="page-header">
        <h1>Fleet console</h1>
        <p className="muted">Sign in to operate the fleet.</p>
      </header>
      <LoginForm />
    </main>
  );
}
