"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../trpc/react.tsx";
import { Field, fieldError, FormError } from "../_components/form-feedback.tsx";

export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [form, setForm] = useState({ email: "", name: "", password: "" });
  const create = useMutation(
    trpc.auth.createFirstAdmin.mutationOptions({
      onSuccess: () => {
        router.replace("/");
        router.refresh();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form);
  };
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  return (
    <form className="card form" onSubmit={submit}>
      <Field label="Name" error={fieldError(create.error, "name")}>
        <input name="name" value={form.name} onChange={set("name")} autoComplete="name" />
      </Field>
      <Field label="Email" error={fieldError(create.error, "email")}>
        <input name="email" type="email" value={form.email} onChange={set("email")} autoComplete="username" />
      </Field>
      <Field label="Password" error={fieldError(create.error, "password")} hint="At least 10 characters.">
        <input
          name="password"
          type="password"
          value={form.password}
          onChange={set("password")}
          autoComplete="new-password"
        />
      </Field>
      <FormError error={create.error} />
      <button className="button primary" type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create admin and sign in"}
      </button>
    </form>
  );
}
