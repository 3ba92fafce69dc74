import { requirePageUser } from "../../page-session.ts";
import { UsersAdmin } from "./users-admin.tsx";

export default async function UsersPage() {
  const me = await requirePageUser("ADMIN");
  return (
    <>
      <header className="page-header">
        <h1>Users</h1>
        <p className="muted">Admins manage users; operators change devices and profiles; viewers read.</p>
      </header>
      <UsersAdmin meId={me.id} />
    </>
  );
}
