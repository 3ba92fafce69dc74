import { connection } from "next/server";
import type { ReactNode } from "react";
import { NavBar } from "../_components/nav-bar.tsx";
import { requirePageUser } from "../page-session.ts";

/** Every page of the console proper: signed in, with the navigation bar. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  await connection();
  const user = await requirePageUser();
  return (
    <>
      <NavBar user={user} />
      <main className="page wide">{children}</main>
    </>
  );
}
