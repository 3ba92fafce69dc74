"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { RouterOutputs } from "../../../../server/root.ts";
import { useTRPC } from "../../../../trpc/react.tsx";
import { Field, fieldError, FormError } from "../../../_components/form-feedback.tsx";
import { SecretReveal } from "../../../_components/secret-reveal.tsx";

export function ProvisionForms() {
  return (
    <div className="stack">
      <SingleDeviceForm />
      <CsvForm />
    </div>
  );
}

function SingleDeviceForm() {
  const trpc = useTRPC();
  const [form, setForm] = useState({ id: "", name: "", tags: "", deviceClass: "GATEWAY" as "GATEWAY" | "WEARABLE" });
  const create = useMutation(trpc.devices.create.mutationOptions());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      id: form.id,
      name: form.name,
      tags: form.tags.split(/[\s,;]+/).filter(Boolean),
      deviceClass: form.deviceClass,
    });
  };
  const tagsError = Object.entries(
    (create.error?.data as { zodError?: { fieldErrors: Record<string, string[]> } } | undefined)?.zodError
      ?.fieldErrors ?? {},
  ).find(([key]) => key.startsWith("tags"))?.[1]?.[0];
  return (
    <section className="card">
      <form className="form inline-form" onSubmit={submit}>
        <h2>One device</h2>
        <Field label="Device id" error={fieldError(create.error, "id")} hint="a-z, 0-9 and '-', e.g. gw-berlin-001">
          <input
            name="id"
            value={form.id}
            onChange={(e) => setForm({ ...form, id: e.target.value })}
            autoComplete="off"
          />
        </Field>
        <Field label="Name (optional)" error={fieldError(create.error, "name")}>
          <input name="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label="Tags" error={tagsError} hint="separated by spaces or commas">
          <input name="tags" value={form.tags} onChange={(e) => setForm({ ...form, tags: e.target.value })} />
        </Field>
        <Field label="Class">
          <select
            name="deviceClass"
            value={form.deviceClass}
            onChange={(e) => setForm({ ...form, deviceClass: e.target.value as "GATEWAY" })}
          >
            <option value="GATEWAY">gateway</option>
            <option value="WEARABLE">wearable</option>
          </select>
        </Field>
        <FormError error={create.error} />
        <div className="actions">
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create device"}
          </button>
        </div>
      </form>
      {create.data ? (
        <div style={{ marginTop: 16 }}>
          <SecretReveal device={create.data} />
          <p>
            <Link href={`/devices/${create.data.id}`}>Open {create.data.id}</Link>
          </p>
        </div>
      ) : null}
    </section>
  );
}

type TCsvResult = RouterOutputs["devices"]["createFromCsv"];

function credentialsCsv(result: Extract<TCsvResult, { ok: true }>): string {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  return (
    ["id,secret,command", ...result.devices.map((d) => [d.id, d.secret, d.command].map(quote).join(","))].join("\n") +
    "\n"
  );
}

function CsvForm() {
  const trpc = useTRPC();
  const [csv, setCsv] = useState("");
  const create = useMutation(trpc.devices.createFromCsv.mutationOptions());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ csv });
  };
  const result = create.data;
  return (
    <section className="card">
      <form className="form" onSubmit={submit}>
        <h2>Many devices from a CSV</h2>
        <p className="muted" style={{ margin: 0 }}>
          Columns <code>id,name,tags,class</code> (header optional; tags separated by <code>;</code>; class gateway or
          wearable). All lines are created, or none.
        </p>
        <Field label="CSV file">
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(setCsv);
            }}
          />
        </Field>
        <Field label="…or paste it" error={fieldError(create.error, "csv")}>
          <textarea
            name="csv"
            rows={6}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder={"id,name,tags,class\ngw-001,Hall,eu;hall,gateway"}
          />
        </Field>
        <FormError error={create.error} />
        <div className="actions">
          <button className="button primary" type="submit" disabled={create.isPending || csv.trim() === ""}>
            {create.isPending ? "Creating…" : "Create devices"}
          </button>
        </div>
      </form>
      {result && !result.ok ? (
        <div className="problem" role="alert" data-testid="csv-errors">
          Nothing was created:
          <ul>
            {result.errors.map((error) => (
              <li key={`${error.line}-${error.message}`}>
                line {error.line}: {error.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result?.ok ? (
        <div className="secret-box" style={{ marginTop: 16 }} data-testid="csv-created">
          <strong>{result.devices.length} devices created.</strong> Download their secrets now; they cannot be shown
          again.
          <div className="actions" style={{ marginTop: 8 }}>
            <a
              className="button primary"
              download="fleet-device-credentials.csv"
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(credentialsCsv(result))}`}
            >
              Download credentials CSV
            </a>
          </div>
        </div>
      ) : null}
    </section>
  );
}
