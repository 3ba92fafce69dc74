"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../../trpc/react.tsx";
import { formatDateTime } from "../../format.ts";
import { DataTable } from "../../_components/data-table.tsx";
import { Pager, useCursorPages } from "../../_components/pager.tsx";

const ENTITY_TYPES = ["", "user", "session", "device", "profile"];

export function AuditLog({ entityType: fixedType, entityId }: { entityType?: string; entityId?: string }) {
  const trpc = useTRPC();
  const [entityType, setEntityType] = useState(fixedType ?? "");
  const [action, setAction] = useState("");
  const pages = useCursorPages([entityType, action]);
  const query = useQuery(
    trpc.audit.list.queryOptions(
      {
        limit: fixedType ? 10 : 50,
        ...(entityType ? { entityType } : {}),
        ...(entityId ? { entityId } : {}),
        ...(action ? { action } : {}),
        ...(pages.cursor ? { cursor: pages.cursor } : {}),
      },
      { placeholderData: keepPreviousData },
    ),
  );
  return (
    <section className="card">
      {fixedType ? null : (
        <div className="toolbar">
          <select aria-label="Entity type" value={entityType} onChange={(e) => setEntityType(e.target.value)}>
            {ENTITY_TYPES.map((type) => (
              <option key={type} value={type}>
                {type === "" ? "All entities" : type}
              </option>
            ))}
          </select>
          <input
            placeholder="Action starts with… (e.g. device.)"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          />
        </div>
      )}
      {query.error ? <p className="problem">{query.error.message}</p> : null}
      <DataTable
        testId="audit-table"
        headers={["When", "Who", "Action", "Entity", "Change"]}
        isEmpty={query.data?.events.length === 0}
        empty="Nothing recorded yet."
      >
        {query.data?.events.map((event) => (
          <tr key={event.id}>
            <td className="nowrap">{formatDateTime(event.ts)}</td>
            <td>{event.actorLabel}</td>
            <td>
              <code>{event.action}</code>
            </td>
            <td>
              {event.entityType} <span className="muted mono">{event.entityId}</span>
            </td>
            <td>
              <ChangeSummary before={event.before} after={event.after} />
            </td>
          </tr>
        ))}
      </DataTable>
      <Pager pages={pages} nextCursor={query.data?.nextCursor ?? null} />
    </section>
  );
}

/** The keys that changed, as `key: before → after`; a created or deleted entity shows its fields. */
function ChangeSummary({ before, after }: { before: unknown; after: unknown }) {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (key) => JSON.stringify(b[key]) !== JSON.stringify(a[key]) && key !== "updatedAt",
  );
  if (keys.length === 0) return <span className="muted">—</span>;
  const show = (value: unknown) => (value === undefined ? "∅" : JSON.stringify(value));
  return (
    <details>
      <summary>{keys.slice(0, 3).join(", ") + (keys.length > 3 ? ` +${keys.length - 3}` : "")}</summary>
      <ul className="change-list">
        {keys.map((key) => (
          <li key={key}>
            <code>{key}</code>: {before === null || before === undefined ? "" : `${show(b[key])} → `}
            {after === null || after === undefined ? "deleted" : show(a[key])}
          </li>
        ))}
      </ul>
    </details>
  );
}
