import { roleAtLeast } from "../../../../server/auth/roles.ts";
import { requirePageUser } from "../../../page-session.ts";
import { RolloutDetail } from "./rollout-detail.tsx";

export default async function RolloutPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  const { id } = await params;
  return <RolloutDetail id={id} canOperate={roleAtLeast(user.role, "OPERATOR")} />;
}
