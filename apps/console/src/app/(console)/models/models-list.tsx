"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatBytes } from "../../../server/domain/models/format-bytes.ts";
import { useTRPC } from "../../../trpc/react.tsx";
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
      <table className="table" data-testid="models-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Format</th>
            <th>Source</th>
            <th>Variants</th>
            <th>Uploaded</th>
          </tr>
        </thead>
        <tbody>
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
          {models.data?.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                No model yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
