"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { DataTable } from "../../../_components/data-table.tsx";
import { formatBytes } from "../../../../server/domain/models/format-bytes.ts";
import type { RouterOutputs } from "../../../../server/root.ts";
import { useTRPC } from "../../../../trpc/react.tsx";
import { formatDateTime } from "../../../format.ts";
import { FormError } from "../../../_components/form-feedback.tsx";
import { isSettled, ModelStatusBadge } from "../status.tsx";
import { LayerSqnrChart } from "./layer-sqnr-chart.tsx";

type TModel = RouterOutputs["models"]["get"];
type TVariant = TModel["variants"][number];

const pct = (value: number | null, digits = 2) => (value === null ? "—" : `${value.toFixed(digits)} %`);
const ms = (value: number | undefined) => (value === undefined ? "—" : `${value.toFixed(2)} ms`);

export function ModelDetail({ id, canOperate }: { id: string; canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const model = useQuery({
    ...trpc.models.get.queryOptions({ id }),
    refetchInterval: (query) => (isSettled(query.state.data?.status) ? false : 1_000),
  });
  const retry = useMutation(
    trpc.models.retry.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.get.queryKey({ id }) }),
    }),
  );
  if (model.error) return <p className="problem">{model.error.message}</p>;
  if (!model.data) return <p className="muted">Loading…</p>;
  const m = model.data;
  return (
    <div className="stack">
      <header className="page-header">
        <p className="muted">
          <Link href="/models">Models</Link> /
        </p>
        <h1>{m.name}</h1>
        {m.description ? <p className="muted">{m.description}</p> : null}
      </header>
      <section className="card" data-testid="model-summary">
        <dl className="kv">
          <dt>Status</dt>
          <dd>
            <ModelStatusBadge status={m.status} progress={m.progress} />
          </dd>
          {m.error ? (
            <>
              <dt>Error</dt>
              <dd className="problem" data-testid="model-error">
                {m.error}
              </dd>
            </>
          ) : null}
          <dt>Format</dt>
          <dd>
            {m.format}, input [{(m.inputShape as Array<number | null>).map((d) => d ?? "N").join(", ")}]
          </dd>
          <dt>Source</dt>
          <dd>
            {formatBytes(m.sourceBytes)} · <span className="mono">{m.sourceSha256.slice(0, 16)}…</span>
          </dd>
          {m.report ? (
            <>
              <dt>Report</dt>
              <dd data-testid="model-report">
                {m.report.parameters.toLocaleString("en")} parameters · backend {m.report.backend}
                {m.report.data.validation
                  ? ` · validated on ${m.report.data.validation.samples} samples`
                  : " · no validation data (no accuracy)"}
                {m.report.data.calibration
                  ? ` · calibrated on ${m.report.data.calibration.samples} samples (${m.report.activationCalibration ?? "—"})`
                  : ""}
              </dd>
            </>
          ) : null}
          <dt>Uploaded</dt>
          <dd>
            {formatDateTime(m.createdAt)}
            {m.createdBy ? ` by ${m.createdBy}` : ""}
          </dd>
        </dl>
        {m.report?.warnings.length ? (
          <ul className="muted">
            {m.report.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
        {canOperate && m.status === "FAILED" ? (
          <div className="actions">
            <button type="button" className="button" onClick={() => retry.mutate({ id })} disabled={retry.isPending}>
              Quantize again
            </button>
            <FormError error={retry.error} />
          </div>
        ) : null}
      </section>
      {m.variants.length > 0 ? <VariantsTable variants={m.variants} /> : null}
      {m.variants.length > 0 ? <SqnrCharts variants={m.variants} /> : null}
      {m.variants.length > 0 ? <ProfileChoices choices={m.choices} /> : null}
    </div>
  );
}

/** p50 of the TF.js fp32 variant over this one's: how much faster it runs (measured on the console). */
function speedups(variants: TVariant[]): Map<string, number> {
  const base = variants.find((v) => v.name === "fp32")?.latency?.medianMs;
  const out = new Map<string, number>();
  if (!base) return out;
  for (const v of variants) if (v.latency && v.latency.medianMs > 0) out.set(v.id, base / v.latency.medianMs);
  return out;
}

function VariantsTable({ variants }: { variants: TVariant[] }) {
  const speed = speedups(variants);
  return (
    <section className="card">
      <h2>Variants</h2>
      <table className="table" data-testid="variants-table">
        <thead>
          <tr>
            <th>Variant</th>
            <th>Precision</th>
            <th>Bytes</th>
            <th>× fp32</th>
            <th>Accuracy</th>
            <th>Δ points</th>
            <th>Agreement</th>
            <th>Engine</th>
            <th>Latency p50 / p95</th>
            <th title="p50 latency of the TF.js fp32 variant divided by this one's">Speed × fp32</th>
            <th>Self-test</th>
            <th>Chosen for</th>
          </tr>
        </thead>
        <tbody>
          {variants.map((v) => (
            <tr key={v.id} data-variant={v.name}>
              <td>
                <strong>{v.name}</strong>
                <div className="muted mono" title={`manifest sha256 ${v.sha256}`}>
                  {v.sha256.slice(0, 12)}… · signed
                </div>
              </td>
              <td>{v.precision}</td>
              <td>{formatBytes(v.bytes)}</td>
              <td>{v.ratio ? v.ratio.total.toFixed(3) : "—"}</td>
              <td>
                {pct(v.accuracy)}
                {v.calibration ? (
                  <div className="muted" data-col="calibration">
                    calibrated {v.calibration.method} (
                    {v.calibration.candidates.map((c) => `${c.method} ${pct(c.accuracy ?? c.agreement)}`).join(", ")})
                  </div>
                ) : null}
              </td>
              <td>{v.accuracyDelta === null ? "—" : v.accuracyDelta.toFixed(2)}</td>
              <td>{pct(v.agreement)}</td>
              <td data-col="engine">
                {v.engine}
                {v.backend ? <div className="muted">{v.backend}</div> : null}
              </td>
              <td className="nowrap">
                {v.latency ? `${ms(v.latency.medianMs)} / ${ms(v.latency.p95Ms)}` : "not measured"}
              </td>
              <td data-col="speed">{speed.has(v.id) ? `${speed.get(v.id)!.toFixed(1)}×` : "—"}</td>
              <td>
                {v.selfTest ? (
                  <span className={`badge ${v.selfTest.passed ? "ok" : "bad"}`}>
                    {v.selfTest.passed ? "passed" : "failed"}
                  </span>
                ) : (
                  "—"
                )}
              </td>
              <td>{v.chosenFor.length ? v.chosenFor.join(", ") : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="footnote muted">
        Accuracy and agreement (top-1 with fp32) on the uploaded validation data; latency measured on the console, each
        variant on its engine (tfjs or onnx, backend below it), for comparison between variants: TF.js dequantizes
        weights at load, so its integer variants are smaller but not faster; onnx-int8 runs on ONNX Runtime&apos;s
        integer kernels. A device is only sent variants of engines it reports.
      </p>
    </section>
  );
}

function SqnrCharts({ variants }: { variants: TVariant[] }) {
  // fp32 reproduces its weights exactly (infinite SQNR): nothing to draw.
  const drawn = variants.filter((v) => v.layers.some((l) => l.weightSqnrDb !== null || l.activationSqnrDb !== null));
  const layers = variants[0]?.layers.map((l) => l.name) ?? [];
  const series = (pick: (layer: TVariant["layers"][number]) => number | null) =>
    drawn.map((v) => ({
      label: v.name,
      values: layers.map((name) => {
        const layer = v.layers.find((l) => l.name === name);
        return layer ? pick(layer) : null;
      }),
    }));
  return (
    <section className="card">
      <h2>Error per layer</h2>
      <p className="muted">Signal-to-quantization-noise ratio in dB (higher is better; missing points are exact).</p>
      <div className="chart-grid">
        <LayerSqnrChart title="Weights" layers={layers} series={series((l) => l.weightSqnrDb)} testId="sqnr-weights" />
        <LayerSqnrChart
          title="Activations (layer outputs vs fp32)"
          layers={layers}
          series={series((l) => l.activationSqnrDb)}
          testId="sqnr-activations"
        />
      </div>
    </section>
  );
}

function ProfileChoices({ choices }: { choices: TModel["choices"] }) {
  return (
    <section className="card">
      <h2>Which variant each hardware profile gets</h2>
      <DataTable
        testId="profile-choices"
        headers={["Profile", "Devices", "Variant", "Why"]}
        isEmpty={choices.length === 0}
        empty={
          <>
            No hardware profile yet: <Link href="/profiles">define one</Link> to see which variant its devices would
            get.
          </>
        }
      >
        {choices.map((c) => (
          <tr key={c.profileId} data-profile={c.profileName}>
            <td>
              <Link href={`/profiles/${c.profileId}`}>{c.profileName}</Link>
            </td>
            <td>{c.devices}</td>
            <td>{c.variant ? <strong>{c.variant.name}</strong> : <span className="badge bad">none fits</span>}</td>
            <td className="muted">{c.reason}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
