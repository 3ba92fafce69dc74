"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { DataTable } from "../../_components/data-table.tsx";
import { useRolloutsTRPC } from "./use-rollouts-trpc.ts";

export function RolloutHistory() {
  const rollouts = useRolloutsTRPC();
  const list = useQuery({ ...rollouts.list.queryOptions({ limit: 100 }), refetchInterval: 5_000 });
  return (
    <section className="card">
      <DataTable
        testId="rollouts-table"
        headers={["Name", "Model", "Status", "Wave", "Active", "Failed / rolled back", "Incompatible", "Started", "By"]}
        isEmpty={list.data?.length === 0}
        empty="No rollout yet."
      >
        {list.data?.map((r) => (
          <tr key={r.id} data-rollout-id={r.id}>
            <td>
              <Link href={`/rollouts/${r.id}`}>{r.name}</Link>
              {r.reason ? <div className="muted">{r.reason}</div> : null}
            </td>
            <td>{r.model.name}</td>
            <td data-col="status">
              <span className="tag">{r.status.toLowerCase().replace("_", " ")}</span>
            </td>
            <td>{r.currentWave || "–"}</td>
            <td data-col="active">{r.counts.ACTIVE}</td>
            <td>{r.counts.FAILED + r.counts.ROLLED_BACK}</td>
            <td data-col="incompatible">{r.counts.INCOMPATIBLE}</td>
            <td className="nowrap">{r.startedAt ? new Date(r.startedAt).toLocaleString() : "draft"}</td>
            <td className="muted" data-col="by">
              {r.createdBy?.email ?? "–"}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
