"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "../../../../trpc/react.tsx";
import { formatAgo, formatDateTime } from "../../../format.ts";
import { FormError } from "../../../_components/form-feedback.tsx";
import { SecretReveal } from "../../../_components/secret-reveal.tsx";
import { AuditLog } from "../../audit/audit-log.tsx";
import { StatusBadge } from "../status-badge.tsx";
import { TelemetryCharts } from "./telemetry-charts.tsx";

export function DeviceDetail({ id, canOperate }: { id: string; canOperate: boolean }) {
  const trpc = useTRPC();
  const device = useQuery(trpc.devices.get.queryOptions({ id }));
  const history = useQuery(trpc.devices.history.queryOptions({ id }, { refetchInterval: 10_000 }));
  if (device.error) return <p className="problem">{device.error.message}</p>;
  const d = device.data;
  if (!d) return <p className="muted">Loading…</p>;
  const hardware = d.hardware as Record<string, unknown> | null;
  return (
    <div className="stack">
      <header className="page-header actions" style={{ justifyContent: "space-between" }}>
        <div>
          <h1 className="mono">{d.id}</h1>
          <p className="muted">
            {d.name} · {d.deviceClass.toLowerCase()} · <StatusBadge status={d.status} enabled={d.enabled} /> · last seen{" "}
            <span data-testid="last-seen">{formatAgo(d.lastSeenAt)}</span>
          </p>
        </div>
        {canOperate ? <DeviceActions id={d.id} enabled={d.enabled} /> : null}
      </header>
      <div className="stat-grid">
        <section className="card">
          <h2>Device</h2>
          <dl className="kv">
            <dt>Tags</dt>
            <dd>
              {d.tags.length
                ? d.tags.map((t) => (
                    <span className="tag" key={t}>
                      {t}
                    </span>
                  ))
                : "—"}
            </dd>
            <dt>Agent</dt>
            <dd>{d.agentVersion ?? "—"}</dd>
            <dt>Provisioned</dt>
            <dd>{formatDateTime(d.createdAt)}</dd>
            <dt>Desired rev</dt>
            <dd>
              {d.desiredRev} (reported {d.reportedRev ?? "—"})
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>Model</h2>
          <dl className="kv">
            <dt>Active variant</dt>
            <dd>
              {d.activeVariant
                ? `${d.activeVariant.model.name} · ${d.activeVariant.name} (${d.activeVariant.precision}, ${d.activeVariant.engine})`
                : "none"}
            </dd>
            <dt>Previous variant</dt>
            <dd>
              {d.prevVariant ? `${d.prevVariant.model.name} · ${d.prevVariant.name} (${d.prevVariant.engine})` : "none"}
            </dd>
            <dt>Engines</dt>
            <dd data-testid="device-engines">
              {d.engines === null ? (
                <span className="muted">not reported yet: only tfjs variants are sent</span>
              ) : d.engines.length ? (
                <>
                  {d.engines.join(", ")} <span className="muted">(variants of other engines are never sent)</span>
                </>
              ) : (
                <span className="problem">none loads: no variant can be sent</span>
              )}
            </dd>
          </dl>
        </section>
        <section className="card" data-testid="profile-match">
          <h2>Hardware profile</h2>
          <p style={{ margin: "0 0 6px" }}>
            {d.match.profile ? (
              <Link href={`/profiles/${d.match.profile.id}`}>{d.match.profile.name}</Link>
            ) : (
              <span className="muted">none</span>
            )}
          </p>
          <p className="muted" style={{ margin: 0, fontSize: 14 }}>
            {d.match.reason}
          </p>
        </section>
        <section className="card">
          <h2>Detected hardware</h2>
          {hardware ? (
            <dl className="kv">
              {Object.entries(hardware).map(([key, value]) => (
                <FragmentRow key={key} label={key} value={Array.isArray(value) ? value.join(", ") : String(value)} />
              ))}
            </dl>
          ) : (
            <p className="muted">Not reported yet: the agent reports it when it comes online.</p>
          )}
        </section>
      </div>
      <TelemetryCharts deviceId={d.id} />
      <div className="stat-grid">
        <section className="card">
          <h2>Reported state</h2>
          <table className="table">
            <tbody>
              {history.data?.reports.map((r) => (
                <tr key={`${r.ts.toISOString()}-${r.rev}`}>
                  <td className="nowrap">{formatDateTime(r.ts)}</td>
                  <td>rev {r.rev}</td>
                  <td>{r.state}</td>
                  <td className="muted">{r.error ?? r.variantId ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {history.data?.reports.length === 0 ? <p className="muted">No report yet.</p> : null}
        </section>
        <section className="card">
          <h2>Events</h2>
          <table className="table">
            <tbody>
              {history.data?.events.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: events of one device may share a timestamp; the list is only ever replaced whole
                <tr key={`${e.ts.toISOString()}-${i}`}>
                  <td className="nowrap">{formatDateTime(e.ts)}</td>
                  <td>
                    <span className={`badge ${e.level === "error" ? "bad" : e.level === "warn" ? "warn" : "neutral"}`}>
                      {e.level}
                    </span>
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {history.data?.events.length === 0 ? <p className="muted">No event yet.</p> : null}
        </section>
      </div>
      <h2>Changes</h2>
      <AuditLog entityType="device" entityId={d.id} />
    </div>
  );
}

function FragmentRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function DeviceActions({ id, enabled }: { id: string; enabled: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const refresh = () => queryClient.invalidateQueries();
  const rotate = useMutation(trpc.devices.rotateSecret.mutationOptions({ onSuccess: refresh }));
  const toggle = useMutation(trpc.devices.setEnabled.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.devices.delete.mutationOptions({ onSuccess: () => router.replace("/devices") }));
  return (
    <div className="stack" style={{ justifyItems: "end" }}>
      <div className="actions">
        <button type="button" className="button" onClick={() => rotate.mutate({ id })} disabled={rotate.isPending}>
          Rotate secret
        </button>
        <button
          type="button"
          className="button"
          onClick={() => toggle.mutate({ id, enabled: !enabled })}
          disabled={toggle.isPending}
        >
          {enabled ? "Disable" : "Enable"}
        </button>
        {confirmDelete ? (
          <button
            type="button"
            className="button danger"
            onClick={() => remove.mutate({ id })}
            disabled={remove.isPending}
          >
            Really delete {id}
          </button>
        ) : (
          <button type="button" className="button danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      <FormError error={rotate.error ?? toggle.error ?? remove.error} />
      {rotate.data ? <SecretReveal device={rotate.data} /> : null}
    </div>
  );
}
