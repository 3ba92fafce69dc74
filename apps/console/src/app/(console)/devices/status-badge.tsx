export function StatusBadge({ status, enabled }: { status: string; enabled: boolean }) {
  if (!enabled) return <span className="badge bad">disabled</span>;
  const tone = status === "ONLINE" ? "ok" : status === "OFFLINE" ? "warn" : "neutral";
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {status.toLowerCase()}
    </span>
  );
}
