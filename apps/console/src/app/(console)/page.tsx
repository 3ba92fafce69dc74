import { FleetOverview } from "./fleet-overview.tsx";

export default function OverviewPage() {
  return (
    <>
      <header className="page-header">
        <h1>Fleet overview</h1>
        <p className="muted">Devices by status, class, hardware profile and active variant; updates live.</p>
      </header>
      <FleetOverview />
    </>
  );
}
