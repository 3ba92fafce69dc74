"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../trpc/react.tsx";
import { formatUtcTime } from "../format.ts";

type TCount = { key: string; label: string; count: number };

export function FleetOverview() {
  const trpc = useTRPC();
  // Group counts over indexed columns are cheap; a short poll keeps the page live without reloads.
  const overview = useQuery(trpc.devices.overview.queryOptions(undefined, { refetchInterval: 5_000 }));
  if (overview.error) return <p className="problem">{overview.error.message}</p>;
  const data = overview.data;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <div className="stack">
      <div className="stat-grid">
        <Stat label="Devices" value={data.total} href="/devices" />
        <Stat
          label="Online"
          value={data.byStatus.find((row) => row.key === "ONLINE")?.count ?? 0}
          href="/devices?status=ONLINE"
        />
        <Stat label="Heard from in the last 5 min" value={data.seenRecently} />
        <Stat label="Disabled" value={data.total - data.enabled} />
      </div>
      <div className="stat-grid">
        <Breakdown title="By status" rows={data.byStatus} total={data.total} filter="status" />
        <Breakdown title="By class" rows={data.byClass} total={data.total} filter="deviceClass" />
        <Breakdown title="By hardware profile" rows={data.byProfile} total={data.total} filter="profileId" />
        <Breakdown title="By active variant" rows={data.byVariant} total={data.total} filter="variantId" />
      </div>
      <p className="muted footnote" data-testid="overview-checked">
        Updated {formatUtcTime(data.checkedAt)}
      </p>
    </div>
  );
}

function Stat({ label, value, href }: { label: string; value: number; href?: string }) {
  const body = (
    <>
      <div className="big-number">{value.toLocaleString("en-US")}</div>
      <div className="muted">{label}</div>
    </>
  );
  return (
    <section className="card">
      {href ? (
        <Link href={href} style={{ textDecoration: "none" }}>
          {body}
        </Link>
      ) : (
        body
      )}
    </section>
  );
}

function Breakdown({ title, rows, total, filter }: { title: string; rows: TCount[]; total: number; filter: string }) {
  return (
    <section className="card" data-testid={`breakdown-${filter}`}>
      <h2>{title}</h2>
      {rows.length === 0 ? <p className="muted">No devices yet.</p> : null}
      {rows.slice(0, 8).map((row) => (
        <div className="bar-row" key={row.key}>
          <Link href={`/devices?${filter}=${encodeURIComponent(row.key)}`}>{row.label}</Link>
          <div className="bar-track">
            <div className="bar" style={{ width: `${total ? (100 * row.count) / total : 0}%` }} />
          </div>
          <span className="muted" style={{ textAlign: "right" }}>
            {row.count.toLocaleString("en-US")}
          </span>
        </div>
      ))}
    </section>
  );
}
