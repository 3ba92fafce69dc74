"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatBytes } from "../../../server/domain/models/format-bytes.ts";
import { useTRPC } from "../../../trpc/react.tsx";
import { DataTable } from "../../_components/data-table.tsx";
import { formatDateTime } from "../../format.ts";
import { isSettled, ModelStatusBadge } from "./status.tsx";

export function ModelsList() {
  const trpc = useTRPC();
  const models = useQuery({
    ...trpc.models.list.queryOptions(),
    // Live while a job runs; quiet otherwise.
    refetchInterval: (query) => (query.state.data?.some((m) => !isSettled(m.status)) ? 1_000 : 10_000),
  });
  return (
    <section className="card">
      <DataTable
        testId="models-table"
        headers={["Name", "Status", "Format", "Source", "Variants", "Uploaded"]}
        isEmpty={models.data?.length === 0}
        empty="No model yet."
      >
        {models.data?.map((m) => (
          <tr key={m.id} data-model-id={m.id}>
            <td>
              <Link href={`/models/${m.id}`}>{m.name}</Link>
              {m.description ? <div className="muted">{m.description}</div> : null}
            </td>
            <td>
              <ModelStatusBadge status={m.status} progress={m.progress} />
            </td>
            <td>{m.format}</td>
            <td>{formatBytes(m.sourceBytes)}</td>
            <td>{m.variantCount}</td>
            <td className="muted">
              {formatDateTime(m.createdAt)}
              {m.createdBy ? ` · ${m.createdBy}` : ""}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
