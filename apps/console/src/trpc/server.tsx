import "server-only";

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { appRouter } from "../server/root.ts";
import { createTRPCContext } from "../server/trpc.ts";
import { makeQueryClient } from "./query-client.ts";

// React's cache(): one context and one query client per server request.
const createContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

export const getQueryClient = cache(makeQueryClient);

/** Server Components prefetch through this proxy; no HTTP round trip to our own API. */
export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

/** Sends what this request prefetched to the client components below it. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
