import { roleAtLeast } from "../../../server/auth/roles.ts";
import { requirePageUser } from "../../page-session.ts";
import { ProfilesList } from "./profiles-list.tsx";

export default async function ProfilesPage() {
  const user = await requirePageUser();
  return (
    <>
      <header className="page-header">
        <h1>Hardware profiles</h1>
        <p className="muted">
          A device belongs to the first profile (lowest priority number) whose rules all hold for its reported hardware.
        </p>
      </header>
      <ProfilesList canOperate={roleAtLeast(user.role, "OPERATOR")} />
    </>
  );
}
