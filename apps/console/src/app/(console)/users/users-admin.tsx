"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../../trpc/react.tsx";
import { formatDateTime } from "../../format.ts";
import { Field, fieldError, FormError } from "../../_components/form-feedback.tsx";

const ROLES = ["VIEWER", "OPERATOR", "ADMIN"] as const;

export function UsersAdmin({ meId }: { meId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: invalidate }));
  return (
    <div className="stack">
      <NewUserForm onCreated={invalidate} />
      <section className="card">
        <h2>Accounts</h2>
        <FormError error={update.error} />
        <table className="table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Last sign-in</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.map((user) => (
              <tr key={user.id}>
                <td>{user.email}</td>
                <td>{user.name}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    disabled={user.id === meId || update.isPending}
                    onChange={(e) => update.mutate({ id: user.id, role: e.target.value as (typeof ROLES)[number] })}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role.toLowerCase()}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{formatDateTime(user.lastLoginAt)}</td>
                <td>
                  <button
                    type="button"
                    className="button subtle"
                    disabled={user.id === meId || update.isPending}
                    onClick={() => update.mutate({ id: user.id, disabled: !user.disabled })}
                  >
                    {user.disabled ? "Enable" : "Disable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const empty = { email: "", name: "", password: "", role: "VIEWER" as (typeof ROLES)[number] };
  const [form, setForm] = useState(empty);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setForm(empty);
        onCreated();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form);
  };
  return (
    <form className="card form inline-form" onSubmit={submit}>
      <h2>New user</h2>
      <Field label="Email" error={fieldError(create.error, "email")}>
        <input
          name="email"
          type="email"
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
      </Field>
      <Field label="Name" error={fieldError(create.error, "name")}>
        <input name="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </Field>
      <Field label="Initial password" error={fieldError(create.error, "password")}>
        <input
          name="password"
          type="password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
      </Field>
      <Field label="Role">
        <select
          name="role"
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as (typeof ROLES)[number] })}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role.toLowerCase()}
            </option>
          ))}
        </select>
      </Field>
      <FormError error={create.error} />
      <button className="button primary" type="submit" disabled={create.isPending}>
        Create user
      </button>
    </form>
  );
}
