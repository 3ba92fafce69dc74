"use client";

import type { inferRouterOutputs } from "@trpc/server";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { TRolloutsApp } from "../../../server/routers/rollouts.ts";
import { useTRPC } from "../../../trpc/react.tsx";

/**
 * The tRPC proxy of the rollouts router. Identical to `useTRPC().rollouts` once root.ts registers
 * `rollouts: rolloutsRouter`; typed through the router itself so these pages compile either way.
 */
export function useRolloutsTRPC(): TRPCOptionsProxy<TRolloutsApp>["rollouts"] {
  return (useTRPC() as unknown as TRPCOptionsProxy<TRolloutsApp>).rollouts;
}

export type TRolloutOutputs = inferRouterOutputs<TRolloutsApp>["rollouts"];

export const STATE_COLORS: Record<string, string> = {
  PENDING: "#9aa4b2",
  SENT: "#7aa2f7",
  DOWNLOADING: "#5b8def",
  VERIFYING: "#3f73d8",
  ACTIVATING: "#2f5fc0",
  ACTIVE: "#2e9d5b",
  FAILED: "#d64545",
  ROLLED_BACK: "#e08a1e",
  INCOMPATIBLE: "#6b7280",
};
