"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { useTRPC } from "../../../trpc/react.tsx";
import { DataTable } from "../../_components/data-table.tsx";
import { describeRules } from "./describe-rules.ts";
import { ProfileEditor } from "./profile-editor.tsx";

export function ProfilesList({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const profiles = useQuery(trpc.profiles.list.queryOptions());
  // A fresh, empty form after each created profile.
  const [formKey, setFormKey] = useState(0);
  return (
    <div className="stack">
      <section className="card">
        <DataTable
          testId="profiles-table"
          headers={["Priority", "Name", "Rules", "Constraints", "Devices"]}
          isEmpty={profiles.data?.length === 0}
          empty="No profile yet."
        >
          {profiles.data?.map((p) => (
            <tr key={p.id}>
              <td>{p.priority}</td>
              <td>
                <Link href={`/profiles/${p.id}`}>{p.name}</Link>
                {p.description ? <div className="muted">{p.description}</div> : null}
              </td>
              <td>{describeRules(p.rules)}</td>
              <td className="muted">
                {p.allowedPrecisions.join(", ")}
                {` · engines ${p.allowedEngines.join(", ")}`}
                {p.preferredEngine ? ` (prefers ${p.preferredEngine})` : ""}
                {p.maxModelBytes ? ` · ≤ ${(p.maxModelBytes / 1e6).toFixed(1)} MB` : ""}
                {p.latencyBudgetMs ? ` · ≤ ${p.latencyBudgetMs} ms` : ""}
              </td>
              <td>
                <Link href={`/devices?profileId=${p.id}`}>{p.deviceCount}</Link>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      {canOperate ? <ProfileEditor key={formKey} onCreated={() => setFormKey((k) => k + 1)} /> : null}
    </div>
  );
}
