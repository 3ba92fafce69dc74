"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { RouterOutputs } from "../../server/root.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { formatDuration, formatUtcTime } from "../format.ts";

type TStackStatus = RouterOutputs["health"]["status"];

const REFRESH_MS = 5_000;

export function StackStatusPanel() {
  const trpc = useTRPC();
  const status = useQuery(trpc.health.status.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  if (!status.data) {
    return (
      <section className="card" data-component="console" data-status="unknown">
        <h2>Status unavailable</h2>
        <p className="muted">{status.error ? status.error.message : "Loading…"}</p>
      </section>
    );
  }
  const data = status.data;
  return (
    <>
      <OverallBanner data={data} stale={status.isError} />
      <div className="grid">
        <ConsoleCard data={data} />
        <DatabaseCard database={data.database} />
        <BrokerCard broker={data.broker} />
      </div>
      <p className="muted footnote">
        Checked at {formatUtcTime(data.checkedAt)}; refreshes every {REFRESH_MS / 1000} s. Probe:{" "}
        <a href="/api/healthz">/api/healthz</a>
      </p>
    </>
  );
}

function OverallBanner({ data, stale }: { data: TStackStatus; stale: boolean }) {
  const ok = data.status === "ok" && !stale;
  return (
    <p className={`banner ${ok ? "ok" : "bad"}`} data-component="stack" data-status={stale ? "stale" : data.status}>
      {stale
        ? "Lost contact with the console; showing the last known status."
        : ok
          ? "Every configured component answers."
          : "Some components do not answer; details below."}
    </p>
  );
}

function ConsoleCard({ data }: { data: TStackStatus }) {
  const { console: info } = data;
  return (
    <Card title="Console" component="console" state="running" badge={<Badge ok>running</Badge>}>
      <Row label="Version">{info.version}</Row>
      <Row label="Uptime">{formatDuration(info.uptimeSeconds)}</Row>
      <Row label="Started">{formatUtcTime(info.startedAt)}</Row>
      <Row label="Node.js">{info.nodeVersion}</Row>
      <Row label="Public URL">{info.publicUrl ?? <span className="muted">not set (CONSOLE_PUBLIC_URL)</span>}</Row>
    </Card>
  );
}

function DatabaseCard({ database }: { database: TStackStatus["database"] }) {
  const kind = database.kind === "embedded" ? "Embedded PGlite" : "External PostgreSQL";
  const state = database.reachable ? "reachable" : "unreachable";
  return (
    <Card title="Database" component="database" state={state} badge={<Badge ok={database.reachable}>{state}</Badge>}>
      <Row label="Kind">{kind}</Row>
      <Row label="Server">{database.serverVersion ? `PostgreSQL ${database.serverVersion}` : "—"}</Row>
      <Row label="Migrations applied">{database.migrationsApplied ?? "—"}</Row>
      <Row label="Latest migration">{database.latestMigration ?? "—"}</Row>
      {database.problem && <p className="problem">{database.problem}</p>}
    </Card>
  );
}

function BrokerCard({ broker }: { broker: TStackStatus["broker"] }) {
  if (!broker.configured) {
    return (
      <Card title="MQTT broker" component="broker" state="not-configured" badge={<Badge>not configured</Badge>}>
        <p className="muted">Set MQTT_URL (or --mqtt-url) to connect the console to a broker.</p>
      </Card>
    );
  }
  const state = broker.reachable ? "reachable" : "unreachable";
  return (
    <Card
      title="MQTT broker"
      component="broker"
      state={state}
      badge={<Badge ok={broker.reachable === true}>{state}</Badge>}
    >
      <Row label="URL">{broker.url}</Row>
      {broker.problem && <p className="problem">{broker.problem}</p>}
    </Card>
  );
}

function Card(props: { title: string; component: string; state: string; badge: ReactNode; children: ReactNode }) {
  return (
    <section className="card" data-component={props.component} data-status={props.state}>
      <div className="card-header">
        <h2>{props.title}</h2>
        {props.badge}
      </div>
      {props.children}
    </section>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="row">
      <span className="muted">{label}</span>
      <span>{children}</span>
    </div>
  );
}

function Badge({ ok, children }: { ok?: boolean; children: ReactNode }) {
  const tone = ok === undefined ? "neutral" : ok ? "ok" : "bad";
  return <span className={`badge ${tone}`}>{children}</span>;
}
