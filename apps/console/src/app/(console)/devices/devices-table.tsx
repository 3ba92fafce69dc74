"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { RouterInputs } from "../../../server/root.ts";
import { useTRPC } from "../../../trpc/react.tsx";
import { formatAgo } from "../../format.ts";
import { Pager, useCursorPages } from "../../_components/pager.tsx";
import { StatusBadge } from "./status-badge.tsx";

type TListInput = RouterInputs["devices"]["list"];
type TSort = NonNullable<TListInput["sort"]>;
const FILTER_KEYS = ["search", "tag", "status", "deviceClass", "profileId", "variantId", "sort", "dir"] as const;

/** The table's state lives in the URL, so a filtered view can be bookmarked and shared. */
function useUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = Object.fromEntries(FILTER_KEYS.map((key) => [key, params.get(key) ?? ""])) as Record<
    (typeof FILTER_KEYS)[number],
    string
  >;
  const set = (patch: Partial<typeof state>) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(patch)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return { state, set };
}

export function DevicesTable() {
  const trpc = useTRPC();
  const { state, set } = useUrlState();
  const [search, setSearch] = useState(state.search);
  // Debounced search: one query per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== state.search) set({ search });
    }, 250);
    return () => clearTimeout(timer);
  });
  const sort = (state.sort || "id") as TSort;
  const dir = state.dir === "desc" ? "desc" : "asc";
  const pages = useCursorPages([state]);
  const input: TListInput = {
    sort,
    dir,
    limit: 25,
    ...(state.search ? { search: state.search } : {}),
    ...(state.tag ? { tag: state.tag } : {}),
    ...(state.status ? { status: state.status as NonNullable<TListInput["status"]> } : {}),
    ...(state.deviceClass ? { deviceClass: state.deviceClass as NonNullable<TListInput["deviceClass"]> } : {}),
    ...(state.profileId ? { profileId: state.profileId } : {}),
    ...(state.variantId ? { variantId: state.variantId } : {}),
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
  };
  const list = useQuery(
    trpc.devices.list.queryOptions(input, { placeholderData: keepPreviousData, refetchInterval: 10_000 }),
  );
  const tags = useQuery(trpc.devices.tags.queryOptions());
  const profiles = useQuery(trpc.profiles.list.queryOptions());
  const overview = useQuery(trpc.devices.overview.queryOptions());

  const header = (key: TSort, label: string) => (
    <th aria-sort={sort === key ? (dir === "asc" ? "ascending" : "descending") : undefined}>
      <button type="button" onClick={() => set({ sort: key, dir: sort === key && dir === "asc" ? "desc" : "asc" })}>
        {label} {sort === key ? (dir === "asc" ? "▲" : "▼") : ""}
      </button>
    </th>
  );
  return (
    <section className="card">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search id or name…"
          aria-label="Search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select aria-label="Status" value={state.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">Any status</option>
          <option value="ONLINE">online</option>
          <option value="OFFLINE">offline</option>
          <option value="PROVISIONED">provisioned</option>
        </select>
        <select aria-label="Class" value={state.deviceClass} onChange={(e) => set({ deviceClass: e.target.value })}>
          <option value="">Any class</option>
          <option value="GATEWAY">gateway</option>
          <option value="WEARABLE">wearable</option>
        </select>
        <select aria-label="Tag" value={state.tag} onChange={(e) => set({ tag: e.target.value })}>
          <option value="">Any tag</option>
          {tags.data?.map((t) => (
            <option key={t.tag} value={t.tag}>
              {t.tag} ({t.count})
            </option>
          ))}
        </select>
        <select aria-label="Profile" value={state.profileId} onChange={(e) => set({ profileId: e.target.value })}>
          <option value="">Any profile</option>
          <option value="none">no profile matched</option>
          {profiles.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <select aria-label="Variant" value={state.variantId} onChange={(e) => set({ variantId: e.target.value })}>
          <option value="">Any variant</option>
          {overview.data?.byVariant.map((v) => (
            <option key={v.key} value={v.key}>
              {v.label}
            </option>
          ))}
        </select>
      </div>
      {list.error ? <p className="problem">{list.error.message}</p> : null}
      <table className="table" data-testid="devices-table">
        <thead>
          <tr>
            {header("id", "Device")}
            {header("name", "Name")}
            {header("status", "Status")}
            <th>Class</th>
            <th>Tags</th>
            <th>Profile</th>
            <th>Variant</th>
            {header("lastSeenAt", "Last seen")}
          </tr>
        </thead>
        <tbody>
          {list.data?.devices.map((device) => (
            <tr key={device.id} data-device-id={device.id}>
              <td>
                <Link className="mono" href={`/devices/${device.id}`}>
                  {device.id}
                </Link>
              </td>
              <td>{device.name}</td>
              <td>
                <StatusBadge status={device.status} enabled={device.enabled} />
              </td>
              <td>{device.deviceClass.toLowerCase()}</td>
              <td>
                {device.tags.map((tag) => (
                  <span className="tag" key={tag}>
                    {tag}
                  </span>
                ))}
              </td>
              <td>{device.profile?.name ?? <span className="muted">—</span>}</td>
              <td>
                {device.activeVariant ? (
                  `${device.activeVariant.model.name} · ${device.activeVariant.name}`
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="nowrap">{formatAgo(device.lastSeenAt)}</td>
            </tr>
          ))}
          {list.data?.devices.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                No device matches.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager
        pages={pages}
        nextCursor={list.data?.nextCursor ?? null}
        {...(list.data ? { total: list.data.total } : {})}
      />
    </section>
  );
}
