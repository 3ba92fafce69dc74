"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../../../trpc/react.tsx";
import { AuditLog } from "../../audit/audit-log.tsx";
import { describeRules } from "../describe-rules.ts";
import { ProfileEditor } from "../profile-editor.tsx";

export function ProfileDetail({ id, canOperate }: { id: string; canOperate: boolean }) {
  const trpc = useTRPC();
  const profile = useQuery(trpc.profiles.get.queryOptions({ id }));
  if (profile.error) return <p className="problem">{profile.error.message}</p>;
  if (!profile.data) return <p className="muted">Loading…</p>;
  const p = profile.data;
  return (
    <div className="stack">
      <header className="page-header">
        <h1>{p.name}</h1>
        <p className="muted">
          Priority {p.priority} · {describeRules(p.rules)} · <Link href={`/devices?profileId=${p.id}`}>devices</Link>
        </p>
      </header>
      {canOperate ? <ProfileEditor key={p.updatedAt.toISOString()} profile={p} /> : null}
      <h2>Changes</h2>
      <AuditLog entityType="profile" entityId={p.id} />
    </div>
  );
}
