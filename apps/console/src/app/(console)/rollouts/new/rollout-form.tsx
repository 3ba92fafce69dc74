"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../../../trpc/react.tsx";
import { Field, FormError, fieldError } from "../../../_components/form-feedback.tsx";
import { useRolloutsTRPC } from "../use-rollouts-trpc.ts";

type TTargetKind = "all" | "tags" | "profiles" | "devices";
const splitList = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

export function RolloutForm() {
  const trpc = useTRPC();
  const rollouts = useRolloutsTRPC();
  const router = useRouter();
  const models = useQuery(trpc.models.list.queryOptions());
  const profiles = useQuery(trpc.profiles.list.queryOptions());
  const [form, setForm] = useState({
    name: "",
    modelId: "",
    kind: "all" as TTargetKind,
    tags: "",
    profileIds: [] as string[],
    deviceIds: "",
    waves: "1, 10, 50, 100",
    soakSeconds: "300",
    minActivationPct: "95",
    maxErrorPct: "1",
    latencyFactor: "1.5",
    minReportedPct: "90",
    reportTimeoutSeconds: "1800",
    autoRollback: true,
  });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const target =
    form.kind === "all"
      ? { kind: "all" as const }
      : form.kind === "tags"
        ? { kind: "tags" as const, tags: splitList(form.tags) }
        : form.kind === "profiles"
          ? { kind: "profiles" as const, profileIds: form.profileIds }
          : { kind: "devices" as const, deviceIds: splitList(form.deviceIds) };
  const strategy = { wavePercents: splitList(form.waves).map(Number), soakSeconds: Number(form.soakSeconds) };
  const planInput = { modelId: form.modelId, target, strategy };
  const [previewInput, setPreviewInput] = useState<typeof planInput | null>(null);
  const preview = useQuery({
    ...rollouts.preview.queryOptions(previewInput ?? planInput),
    enabled: previewInput !== null,
    retry: false,
  });

  const create = useMutation(
    rollouts.create.mutationOptions({ onSuccess: (created) => router.push(`/rollouts/${created.id}`) }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      ...planInput,
      name: form.name,
      gates: {
        minActivationPct: Number(form.minActivationPct),
        maxErrorPct: Number(form.maxErrorPct),
        latencyFactor: Number(form.latencyFactor),
        minReportedPct: Number(form.minReportedPct),
        reportTimeoutSeconds: Number(form.reportTimeoutSeconds),
      },
      autoRollback: form.autoRollback,
    });
  };
  const readyModels = models.data?.filter((m) => m.status === "READY") ?? [];

  return (
    <div className="stack">
      <form className="card form" onSubmit={submit} data-testid="rollout-form">
        <Field label="Name" error={fieldError(create.error, "name")}>
          <input
            value={form.name}
            onChange={(e) => set({ name: e.target.value })}
            placeholder="e.g. classifier v2 to all gateways"
          />
        </Field>
        <Field label="Model" error={fieldError(create.error, "modelId")}>
          <select value={form.modelId} onChange={(e) => set({ modelId: e.target.value })}>
            <option value="">Choose a ready model…</option>
            {readyModels.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.variantCount} variants)
              </option>
            ))}
          </select>
        </Field>
        <Field label="Target" error={fieldError(create.error, "target")}>
          <select value={form.kind} onChange={(e) => set({ kind: e.target.value as TTargetKind })}>
            <option value="all">All enabled devices</option>
            <option value="tags">Devices with any of these tags</option>
            <option value="profiles">Devices of these hardware profiles</option>
            <option value="devices">These device ids</option>
          </select>
        </Field>
        {form.kind === "tags" ? (
          <Field label="Tags">
            <input value={form.tags} onChange={(e) => set({ tags: e.target.value })} placeholder="berlin, line-2" />
          </Field>
        ) : null}
        {form.kind === "profiles" ? (
          <Field label="Profiles">
            <select
              multiple
              value={form.profileIds}
              onChange={(e) => set({ profileIds: [...e.target.selectedOptions].map((o) => o.value) })}
            >
              {profiles.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.deviceCount})
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {form.kind === "devices" ? (
          <Field label="Device ids">
            <textarea value={form.deviceIds} onChange={(e) => set({ deviceIds: e.target.value })} rows={3} />
          </Field>
        ) : null}
        <div className="inline-form form">
          <Field label="Waves (cumulative %)" error={fieldError(create.error, "strategy")}>
            <input value={form.waves} onChange={(e) => set({ waves: e.target.value })} />
          </Field>
          <Field label="Soak per wave (s)">
            <input
              value={form.soakSeconds}
              onChange={(e) => set({ soakSeconds: e.target.value })}
              inputMode="numeric"
            />
          </Field>
        </div>
        <div className="inline-form form">
          <Field label="Min activation %">
            <input value={form.minActivationPct} onChange={(e) => set({ minActivationPct: e.target.value })} />
          </Field>
          <Field label="Max error %">
            <input value={form.maxErrorPct} onChange={(e) => set({ maxErrorPct: e.target.value })} />
          </Field>
          <Field label="p95 latency ≤ × before">
            <input value={form.latencyFactor} onChange={(e) => set({ latencyFactor: e.target.value })} />
          </Field>
          <Field label="Reported ≥ %">
            <input value={form.minReportedPct} onChange={(e) => set({ minReportedPct: e.target.value })} />
          </Field>
          <Field label="Report timeout (s)">
            <input value={form.reportTimeoutSeconds} onChange={(e) => set({ reportTimeoutSeconds: e.target.value })} />
          </Field>
        </div>
        <label>
          <input
            type="checkbox"
            checked={form.autoRollback}
            onChange={(e) => set({ autoRollback: e.target.checked })}
          />{" "}
          Roll back automatically when a gate fails (otherwise pause)
        </label>
        <div className="actions">
          <button type="button" className="button" disabled={!form.modelId} onClick={() => setPreviewInput(planInput)}>
            Preview
          </button>
          <button type="submit" className="button primary" disabled={create.isPending}>
            Create draft
          </button>
        </div>
        <FormError error={create.error} />
      </form>

      {preview.error ? <p className="problem">{preview.error.message}</p> : null}
      {preview.data ? (
        <section className="card" data-testid="rollout-preview">
          <h2>
            Preview: {preview.data.compatible} of {preview.data.targeted} devices get a variant
          </h2>
          <table className="table" data-testid="preview-variants">
            <thead>
              <tr>
                <th>Variant</th>
                <th>Precision · engine</th>
                <th>Size</th>
                <th>Devices</th>
                <th>Profiles</th>
              </tr>
            </thead>
            <tbody>
              {preview.data.byVariant.map((v) => (
                <tr key={v.variantId} data-variant={v.name}>
                  <td>{v.name}</td>
                  <td>
                    {v.precision.toLowerCase()} · {v.engine.toLowerCase()}
                  </td>
                  <td>{(v.bytes / 1e6).toFixed(2)} MB</td>
                  <td data-col="devices">{v.devices}</td>
                  <td className="muted" data-col="profiles">
                    {v.profiles.join(", ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Waves</h3>
          <p className="muted" data-testid="preview-waves">
            {preview.data.waves.map((w) => `wave ${w.wave} (${w.percent} %): ${w.devices} devices`).join(" · ")}
          </p>
          {preview.data.incompatibleCount > 0 ? (
            <>
              <h3>Incompatible ({preview.data.incompatibleCount}): never sent anything</h3>
              <table className="table" data-testid="preview-incompatible">
                <tbody>
                  {preview.data.incompatible.map((d) => (
                    <tr key={d.deviceId} data-device-id={d.deviceId}>
                      <td className="mono">{d.deviceId}</td>
                      <td className="muted">{d.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
