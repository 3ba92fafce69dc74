import Link from "next/link";
import { roleAtLeast } from "../../../server/auth/roles.ts";
import { requirePageUser } from "../../page-session.ts";
import { RolloutHistory } from "./rollout-history.tsx";

export default async function RolloutsPage() {
  const user = await requirePageUser();
  return (
    <>
      <header className="page-header actions" style={{ justifyContent: "space-between" }}>
        <div>
          <h1>Rollouts</h1>
          <p className="muted">
            Each device gets the variant its hardware profile allows, wave by wave, behind health gates.
          </p>
        </div>
        {roleAtLeast(user.role, "OPERATOR") ? (
          <Link className="button primary" href="/rollouts/new">
            New rollout
          </Link>
        ) : null}
      </header>
      <RolloutHistory />
    </>
  );
}
