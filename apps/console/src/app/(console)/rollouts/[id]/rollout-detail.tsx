"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { DataTable } from "../../../_components/data-table.tsx";
import { FormError } from "../../../_components/form-feedback.tsx";
import { TimeSeriesChart } from "../../devices/[id]/time-series-chart.tsx";
import { STATE_COLORS, useRolloutsTRPC, type TRolloutOutputs } from "../use-rollouts-trpc.ts";

const SHOWN_STATES = [
  "PENDING",
  "SENT",
  "DOWNLOADING",
  "VERIFYING",
  "ACTIVATING",
  "ACTIVE",
  "FAILED",
  "ROLLED_BACK",
] as const;
type TProgressPoint = TRolloutOutputs["get"]["progress"][number];

const PROGRESS_SERIES = [
  { label: "sent", color: STATE_COLORS["SENT"]!, value: (p: TProgressPoint) => p.sent },
  { label: "active", color: STATE_COLORS["ACTIVE"]!, value: (p: TProgressPoint) => p.active },
  { label: "failed / rolled back", color: STATE_COLORS["FAILED"]!, value: (p: TProgressPoint) => p.failed },
];

function WaveBar({ counts }: { counts: Record<string, number> }) {
  const total = SHOWN_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0) || 1;
  return (
    <div
      data-testid="wave-bar"
      style={{ display: "flex", height: 12, borderRadius: 4, overflow: "hidden", background: "#eef0f3" }}
    >
      {SHOWN_STATES.map((state) =>
        counts[state] ? (
          <div
            key={state}
            data-state={state}
            title={`${state.toLowerCase()}: ${counts[state]}`}
            style={{ width: `${((counts[state] ?? 0) / total) * 100}%`, background: STATE_COLORS[state] }}
          />
        ) : null,
      )}
    </div>
  );
}

export function RolloutDetail({ id, canOperate }: { id: string; canOperate: boolean }) {
  const rollouts = useRolloutsTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery({ ...rollouts.get.queryOptions({ id }), refetchInterval: 2_000 });
  const [stateFilter, setStateFilter] = useState<(typeof SHOWN_STATES)[number] | "INCOMPATIBLE" | "">("");
  const devices = useQuery({
    ...rollouts.devices.queryOptions({ id, limit: 200, ...(stateFilter ? { state: stateFilter } : {}) }),
    refetchInterval: 5_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: rollouts.pathKey() });
  const start = useMutation(rollouts.start.mutationOptions({ onSettled: refresh }));
  const pause = useMutation(rollouts.pause.mutationOptions({ onSettled: refresh }));
  const resume = useMutation(rollouts.resume.mutationOptions({ onSettled: refresh }));
  const abort = useMutation(rollouts.abort.mutationOptions({ onSettled: refresh }));
  const rollback = useMutation(rollouts.rollback.mutationOptions({ onSettled: refresh }));
  const error = start.error ?? pause.error ?? resume.error ?? abort.error ?? rollback.error;

  if (detail.error) return <p className="problem">{detail.error.message}</p>;
  const r = detail.data;
  if (!r) return <p className="muted">Loading…</p>;
  const status = r.status;
  const confirmThen = (text: string, run: () => void) => {
    if (window.confirm(text)) run();
  };

  return (
    <div className="stack">
      <header className="page-header actions" style={{ justifyContent: "space-between", alignItems: "flex-start" }}>
        <div>
          <h1>{r.name}</h1>
          <p className="muted">
            <Link href="/rollouts">Rollouts</Link> · model {r.model.name} ·{" "}
            <span className="tag" data-testid="rollout-status">
              {status.toLowerCase().replace("_", " ")}
            </span>
            {r.currentWave ? ` · wave ${r.currentWave} of ${Math.max(...r.waves.map((w) => w.wave))}` : ""}
          </p>
          {r.reason ? <p className="problem">{r.reason}</p> : null}
        </div>
        {canOperate ? (
          <div className="actions">
            {status === "DRAFT" ? (
              <button
                type="button"
                className="button primary"
                onClick={() => start.mutate({ id })}
                disabled={start.isPending}
              >
                Start
              </button>
            ) : null}
            {status === "RUNNING" ? (
              <button type="button" className="button" onClick={() => pause.mutate({ id })}>
                Pause
              </button>
            ) : null}
            {status === "PAUSED" ? (
              <>
                <button type="button" className="button primary" onClick={() => resume.mutate({ id, skipGate: false })}>
                  Resume (re-check gates)
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    confirmThen("Accept the current wave despite its gates and send the next one?", () =>
                      resume.mutate({ id, skipGate: true }),
                    )
                  }
                >
                  Resume, accept this wave
                </button>
              </>
            ) : null}
            {status === "RUNNING" || status === "PAUSED" || status === "COMPLETED" ? (
              <button
                type="button"
                className="button danger"
                onClick={() =>
                  confirmThen("Send every device of this rollout its previous variant?", () => rollback.mutate({ id }))
                }
              >
                Roll back
              </button>
            ) : null}
            {status === "DRAFT" || status === "RUNNING" || status === "PAUSED" ? (
              <button
                type="button"
                className="button danger"
                onClick={() =>
                  confirmThen("Stop this rollout for good (devices keep what they have)?", () => abort.mutate({ id }))
                }
              >
                Abort
              </button>
            ) : null}
          </div>
        ) : null}
      </header>
      <FormError error={error} />

      {r.gateVerdict ? (
        <section className="card" data-testid="rollout-gates">
          <h2>
            Health gates (wave {r.currentWave}): {r.gateVerdict.summary}
          </h2>
          <ul>
            {r.gateVerdict.checks.map((check) => (
              <li key={check.gate} style={{ color: check.ok === false ? "#d64545" : check.ok ? "#2e9d5b" : undefined }}>
                {check.ok === null ? "…" : check.ok ? "✓" : "✗"} {check.gate}: {check.text}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" data-testid="rollout-waves">
        <h2>Progress per wave</h2>
        <table className="table">
          <thead>
            <tr>
              <th>Wave</th>
              <th style={{ width: "25%" }}>Devices by state</th>
              {SHOWN_STATES.map((s) => (
                <th key={s}>{s.toLowerCase().replace("_", " ")}</th>
              ))}
              <th>Variants</th>
            </tr>
          </thead>
          <tbody>
            {r.waves.map((w) => (
              <tr key={w.wave} data-wave={w.wave}>
                <td>{w.wave === 0 ? "incompatible" : w.wave}</td>
                <td>
                  {w.wave === 0 ? (
                    <span className="muted">{w.counts.INCOMPATIBLE} devices never sent anything</span>
                  ) : (
                    <WaveBar counts={w.counts} />
                  )}
                </td>
                {SHOWN_STATES.map((s) => (
                  <td key={s} data-state={s}>
                    {w.wave === 0 ? "" : w.counts[s] || ""}
                  </td>
                ))}
                <td className="muted">
                  {w.byVariant.map((v) => (
                    <div key={v.variantName ?? "none"} className="nowrap">
                      {v.variantName ?? "none"}: {v.devices}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {r.progress.length > 0 ? (
          <div data-testid="rollout-chart">
            <TimeSeriesChart title="Devices over time" unit="devices" points={r.progress} series={PROGRESS_SERIES} />
          </div>
        ) : null}
        <p className="muted">
          Strategy: waves {r.strategy.wavePercents.join(" → ")} %, soak {r.strategy.soakSeconds} s. Gates: activation ≥{" "}
          {r.gates.minActivationPct} %, errors ≤ {r.gates.maxErrorPct} %, p95 ≤ profile budget and ≤{" "}
          {r.gates.latencyFactor}× before, ≥ {r.gates.minReportedPct} % reported within {r.gates.reportTimeoutSeconds}{" "}
          s. On failure: {r.autoRollback ? "roll back" : "pause"}.
        </p>
      </section>

      <section className="card" data-testid="rollout-devices">
        <div className="card-header">
          <h2>Devices</h2>
          <select value={stateFilter} onChange={(e) => setStateFilter(e.target.value as typeof stateFilter)}>
            <option value="">all states</option>
            {[...SHOWN_STATES, "INCOMPATIBLE" as const].map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase().replace("_", " ")}
              </option>
            ))}
          </select>
        </div>
        <DataTable
          testId="rollout-devices-table"
          headers={["Device", "Profile", "Wave", "State", "Variant", "Previous", "Rev", "Why this variant / error"]}
          isEmpty={devices.data?.devices.length === 0}
          empty={stateFilter ? "No device in this state." : "No device in this rollout."}
        >
          {devices.data?.devices.map((d) => (
            <tr key={d.deviceId} data-device-id={d.deviceId}>
              <td className="nowrap">
                <Link href={`/devices/${d.deviceId}`}>{d.deviceId}</Link>
                <div className="muted">{d.device.status.toLowerCase()}</div>
              </td>
              <td>{d.device.profile?.name ?? "–"}</td>
              <td>{d.wave || "–"}</td>
              <td className="nowrap">
                <span className="tag" data-state={d.state} style={{ borderColor: STATE_COLORS[d.state] }}>
                  {d.state.toLowerCase().replace("_", " ")}
                </span>
              </td>
              <td className="nowrap">{d.variant?.name ?? "–"}</td>
              <td className="muted nowrap">{d.previousVariant?.name ?? "–"}</td>
              <td>{d.desiredRev ?? "–"}</td>
              <td className="muted">
                {d.reason}
                {d.error ? <div className="problem">{d.error}</div> : null}
              </td>
            </tr>
          ))}
        </DataTable>
        {devices.data?.next ? <p className="muted">Showing the first 200; filter by state to narrow.</p> : null}
      </section>
    </div>
  );
}
