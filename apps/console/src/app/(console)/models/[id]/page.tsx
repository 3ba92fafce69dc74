import { notFound } from "next/navigation";
import { roleAtLeast } from "../../../../server/auth/roles.ts";
import { requirePageUser } from "../../../page-session.ts";
import { ModelDetail } from "./model-detail.tsx";

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  const { id } = await params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) notFound();
  return <ModelDetail id={id} canOperate={roleAtLeast(user.role, "OPERATOR")} />;
}
