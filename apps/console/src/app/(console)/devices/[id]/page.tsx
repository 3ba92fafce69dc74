import { notFound } from "next/navigation";
import { DEVICE_ID_PATTERN } from "@fleet/protocol";
import { roleAtLeast } from "../../../../server/auth/roles.ts";
import { requirePageUser } from "../../../page-session.ts";
import { DeviceDetail } from "./device-detail.tsx";

export default async function DevicePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  const { id } = await params;
  // Hostile ids never reach a query.
  if (!DEVICE_ID_PATTERN.test(id)) notFound();
  return <DeviceDetail id={id} canOperate={roleAtLeast(user.role, "OPERATOR")} />;
}
