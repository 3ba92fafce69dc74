import { roleAtLeast } from "../../../../server/auth/roles.ts";
import { requirePageUser } from "../../../page-session.ts";
import { ProfileDetail } from "./profile-detail.tsx";

export default async function ProfilePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  const { id } = await params;
  return <ProfileDetail id={id} canOperate={roleAtLeast(user.role, "OPERATOR")} />;
}
