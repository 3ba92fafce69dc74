import { roleAtLeast } from "../../../../server/auth/roles.ts";
import { requirePageUser } from "../../../page-session.ts";
import { RolloutForm } from "./rollout-form.tsx";

export default async function NewRolloutPage() {
  const user = await requirePageUser();
  return (
    <>
      <header className="page-header">
        <h1>New rollout</h1>
        <p className="muted">
          Preview which variant each device would get, then create the rollout as a draft and start it.
        </p>
      </header>
      {roleAtLeast(user.role, "OPERATOR") ? (
        <RolloutForm />
      ) : (
        <p className="card muted">Only operators and admins can create rollouts.</p>
      )}
    </>
  );
}
