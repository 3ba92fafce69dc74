import { requirePageUser } from "../../../page-session.ts";
import { ProvisionForms } from "./provision-forms.tsx";

export default async function NewDevicesPage() {
  await requirePageUser("OPERATOR");
  return (
    <>
      <header className="page-header">
        <h1>Provision devices</h1>
        <p className="muted">Each device gets a secret, shown once. Only its hash is stored.</p>
      </header>
      <ProvisionForms />
    </>
  );
}
