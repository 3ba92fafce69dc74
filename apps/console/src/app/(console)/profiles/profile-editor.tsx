"use client";

import { ENGINES, PRECISIONS, type TEngine } from "@fleet/variants";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { RouterInputs, RouterOutputs } from "../../../server/root.ts";
import { useTRPC } from "../../../trpc/react.tsx";
import { Field, FormError, type TMutationError } from "../../_components/form-feedback.tsx";

type TProfile = RouterOutputs["profiles"]["get"];
type TInput = RouterInputs["profiles"]["create"];

const splitList = (text: string) => text.split(/[\s,;]+/).filter(Boolean);
const num = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** zod field errors for nested paths arrive flattened on the first key only; show the first one per prefix. */
function nestedError(error: TMutationError | null | undefined, prefix: string): string | undefined {
  const data = error?.data as { zodError?: { fieldErrors: Record<string, string[] | undefined> } | null } | undefined;
  const entries = Object.entries(data?.zodError?.fieldErrors ?? {});
  return entries.find(([key]) => key === prefix)?.[1]?.[0];
}

export function ProfileEditor({ profile, onCreated }: { profile?: TProfile; onCreated?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const rules = (profile?.rules ?? {}) as Record<string, unknown>;
  const [form, setForm] = useState({
    name: profile?.name ?? "",
    description: profile?.description ?? "",
    priority: String(profile?.priority ?? 100),
    classes: ((rules["classes"] as string[] | undefined) ?? []).join(" "),
    arch: ((rules["arch"] as string[] | undefined) ?? []).join(" "),
    ramMinMb: rules["ramMinMb"] === undefined ? "" : String(rules["ramMinMb"]),
    ramMaxMb: rules["ramMaxMb"] === undefined ? "" : String(rules["ramMaxMb"]),
    wasmSimd: rules["wasmSimd"] === undefined ? "" : String(rules["wasmSimd"]),
    backends: ((rules["backends"] as string[] | undefined) ?? []).join(" "),
    engines: ((rules["engines"] as string[] | undefined) ?? []).join(" "),
    maxModelBytes: profile?.maxModelBytes ? String(profile.maxModelBytes) : "",
    ramBudgetMb: profile?.ramBudgetMb ? String(profile.ramBudgetMb) : "",
    latencyBudgetMs: profile?.latencyBudgetMs ? String(profile.latencyBudgetMs) : "",
    allowedPrecisions: profile?.allowedPrecisions ?? [...PRECISIONS],
    allowedEngines: profile?.allowedEngines ?? [...ENGINES],
    /** "" = no preference. */
    preferredEngine: (profile?.preferredEngine ?? "") as TEngine | "",
  });
  const done = () => {
    void queryClient.invalidateQueries();
    if (!profile) onCreated?.();
  };
  const create = useMutation(trpc.profiles.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.profiles.update.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.profiles.delete.mutationOptions({ onSuccess: () => router.replace("/profiles") }));
  const mutation = profile ? update : create;

  const toInput = (): TInput => {
    const ruleSet: Record<string, unknown> = {};
    if (form.classes.trim()) ruleSet["classes"] = splitList(form.classes);
    if (form.arch.trim()) ruleSet["arch"] = splitList(form.arch);
    if (num(form.ramMinMb) !== undefined) ruleSet["ramMinMb"] = num(form.ramMinMb);
    if (num(form.ramMaxMb) !== undefined) ruleSet["ramMaxMb"] = num(form.ramMaxMb);
    if (form.wasmSimd) ruleSet["wasmSimd"] = form.wasmSimd === "true";
    if (form.backends.trim()) ruleSet["backends"] = splitList(form.backends);
    if (form.engines.trim()) ruleSet["engines"] = splitList(form.engines);
    return {
      name: form.name,
      description: form.description,
      priority: Number(form.priority),
      rules: ruleSet as TInput["rules"],
      maxModelBytes: num(form.maxModelBytes) ?? null,
      ramBudgetMb: num(form.ramBudgetMb) ?? null,
      latencyBudgetMs: num(form.latencyBudgetMs) ?? null,
      allowedPrecisions: form.allowedPrecisions,
      allowedEngines: form.allowedEngines,
      preferredEngine: form.preferredEngine === "" ? null : form.preferredEngine,
    };
  };
  // Checked here too, so the operator sees the problem before a round trip; the server refuses the same.
  const [submitted, setSubmitted] = useState(false);
  const checkChoices = (): string[] => {
    const problems: string[] = [];
    if (form.allowedPrecisions.length === 0) problems.push("Allow at least one precision.");
    if (form.allowedEngines.length === 0)
      problems.push("Allow at least one engine: a profile that forbids every engine can never be sent a variant.");
    else if (form.preferredEngine !== "" && !form.allowedEngines.includes(form.preferredEngine)) {
      problems.push(
        `The preferred engine ${form.preferredEngine} is not allowed: allow it, or choose another preference.`,
      );
    }
    return problems;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (checkChoices().length > 0) return;
    if (profile) update.mutate({ id: profile.id, profile: toInput() });
    else create.mutate(toInput());
  };
  const text = (key: keyof typeof form, label: string, hint?: string) => (
    <Field label={label} error={nestedError(mutation.error, key) ?? nestedError(mutation.error, "rules")} hint={hint}>
      <input name={key} value={form[key] as string} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </Field>
  );
  const toggle = (key: "allowedPrecisions" | "allowedEngines", value: string) => {
    const list = form[key] as string[];
    setForm({ ...form, [key]: list.includes(value) ? list.filter((v) => v !== value) : [...list, value] });
  };
  // Refusals of the checkboxes and the preferred engine (e.g. every engine forbidden), next to them. An
  // update's input is nested ({ id, profile }), so its field errors all arrive under "profile".
  const serverChoiceErrors = (["allowedPrecisions", "allowedEngines", "preferredEngine", "profile"] as const)
    .map((key) => nestedError(mutation.error, key))
    .filter((message): message is string => message !== undefined);
  // After a first submit, the local check follows every change (an error disappears once fixed).
  const localProblems = submitted ? checkChoices() : [];
  const choiceErrors = localProblems.length ? localProblems : serverChoiceErrors;
  return (
    <form className="card form" onSubmit={submit} data-testid="profile-editor">
      <h2>{profile ? `Edit ${profile.name}` : "New profile"}</h2>
      <div className="inline-form form">
        {text("name", "Name")}
        {text("priority", "Priority", "lower wins")}
        {text("description", "Description")}
      </div>
      <h3 style={{ margin: 0, fontSize: 15 }}>Matching rules (all must hold; empty = any)</h3>
      <div className="inline-form form">
        {text("classes", "Classes", "gateway, wearable")}
        {text("arch", "Architectures", "e.g. arm64 x64")}
        {text("ramMinMb", "RAM min (MB)")}
        {text("ramMaxMb", "RAM max (MB)")}
        <Field label="wasm SIMD">
          <select
            name="wasmSimd"
            value={form.wasmSimd}
            onChange={(e) => setForm({ ...form, wasmSimd: e.target.value })}
          >
            <option value="">any</option>
            <option value="true">required</option>
            <option value="false">absent</option>
          </select>
        </Field>
        {text("backends", "Backends that must load", "e.g. wasm")}
        {text("engines", "Engines that must load", "e.g. tfjs onnx")}
      </div>
      <h3 style={{ margin: 0, fontSize: 15 }}>Constraints</h3>
      <div className="inline-form form">
        {text("maxModelBytes", "Max model bytes")}
        {text("ramBudgetMb", "RAM budget (MB)")}
        {text("latencyBudgetMs", "Latency budget (ms)")}
      </div>
      <div className="actions">
        <span className="field-label">Precisions:</span>
        {PRECISIONS.map((p) => (
          <label key={p} className="actions" style={{ gap: 4 }}>
            <input
              type="checkbox"
              checked={form.allowedPrecisions.includes(p)}
              onChange={() => toggle("allowedPrecisions", p)}
            />
            {p}
          </label>
        ))}
        <span className="field-label" style={{ marginLeft: 16 }}>
          Engines:
        </span>
        {ENGINES.map((p) => (
          <label key={p} className="actions" style={{ gap: 4 }}>
            <input
              type="checkbox"
              name={`engine-${p}`}
              checked={form.allowedEngines.includes(p)}
              onChange={() => toggle("allowedEngines", p)}
            />
            {p}
          </label>
        ))}
        <label className="actions" style={{ gap: 4, marginLeft: 16 }}>
          <span className="field-label">Preferred engine:</span>
          <select
            name="preferredEngine"
            value={form.preferredEngine}
            onChange={(e) => setForm({ ...form, preferredEngine: e.target.value as TEngine | "" })}
          >
            <option value="">none</option>
            {ENGINES.map((p) => (
              <option key={p} value={p}>
                {p}
                {form.allowedEngines.includes(p) ? "" : " (not allowed)"}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="field-hint muted" style={{ margin: 0 }}>
        An unchecked engine is forbidden for this profile. With a preferred engine, its variants are chosen whenever one
        fits (the most accurate of them); the other allowed engines are the fallback. Devices only ever get variants of
        engines their agent reports.
      </p>
      {choiceErrors.length ? (
        <p className="field-error" role="alert" data-testid="profile-choice-errors">
          {choiceErrors.join(" ")}
        </p>
      ) : null}
      <FormError error={mutation.error ?? remove.error} />
      {mutation.data ? (
        <p className="muted">
          Saved; {mutation.data.rematched === 1 ? "1 device" : `${mutation.data.rematched} devices`} re-matched.
        </p>
      ) : null}
      <div className="actions">
        <button className="button primary" type="submit" disabled={mutation.isPending}>
          {profile ? "Save profile" : "Create profile"}
        </button>
        {profile ? (
          <button
            type="button"
            className="button danger"
            onClick={() => remove.mutate({ id: profile.id })}
            disabled={remove.isPending}
          >
            Delete profile
          </button>
        ) : null}
      </div>
    </form>
  );
}
