import { AuditLog } from "./audit-log.tsx";

export default function AuditPage() {
  return (
    <>
      <header className="page-header">
        <h1>Audit log</h1>
        <p className="muted">Every change: who, what, when, before and after.</p>
      </header>
      <AuditLog />
    </>
  );
}
