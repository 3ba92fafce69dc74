"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { TSessionUser } from "../../server/domain/session/find-active-session.ts";
import { useTRPC } from "../../trpc/react.tsx";

const LINKS: Array<{ href: string; label: string; admin?: boolean }> = [
  { href: "/", label: "Overview" },
  { href: "/devices", label: "Devices" },
  { href: "/profiles", label: "Hardware profiles" },
  { href: "/models", label: "Models" },
  { href: "/rollouts", label: "Rollouts" },
  { href: "/audit", label: "Audit log" },
  { href: "/users", label: "Users", admin: true },
  { href: "/settings", label: "Settings" },
  { href: "/status", label: "Status" },
];

export function NavBar({ user }: { user: TSessionUser }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        router.replace("/login");
        router.refresh();
      },
    }),
  );
  const active = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <nav className="nav">
      <span className="brand">Fleet</span>
      {LINKS.filter((link) => !link.admin || user.role === "ADMIN").map((link) => (
        <Link key={link.href} href={link.href} className={active(link.href) ? "active" : undefined}>
          {link.label}
        </Link>
      ))}
      <span className="spacer" />
      <span className="muted" data-testid="whoami">
        {user.email} · {user.role.toLowerCase()}
      </span>
      <button type="button" className="button subtle" onClick={() => logout.mutate()} disabled={logout.isPending}>
        Sign out
      </button>
    </nav>
  );
}
