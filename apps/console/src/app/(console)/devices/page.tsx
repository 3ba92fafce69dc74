import { roleAtLeast } from "../../../server/auth/roles.ts";
import { requirePageUser } from "../../page-session.ts";
import { DevicesTable } from "./devices-table.tsx";
import Link from "next/link";

export default async function DevicesPage() {
  const user = await requirePageUser();
  return (
    <>
      <header className="page-header actions" style={{ justifyContent: "space-between" }}>
        <div>
          <h1>Devices</h1>
          <p className="muted">Search, filter and sort the fleet.</p>
        </div>
        {roleAtLeast(user.role, "OPERATOR") ? (
          <Link className="button primary" href="/devices/new">
            Provision devices
          </Link>
        ) : null}
      </header>
      <DevicesTable />
    </>
  );
}
