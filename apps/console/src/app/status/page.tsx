import { connection } from "next/server";
import { getQueryClient, HydrateClient, trpc } from "../../trpc/server.tsx";
import { StackStatusPanel } from "./stack-status-panel.tsx";

export default async function StatusPage() {
  // Rendered per request: the page reports live state, never a build-time snapshot.
  await connection();
  // Awaited so the first HTML already holds the status; the panel then refreshes it in the browser.
  await getQueryClient().prefetchQuery(trpc.health.status.queryOptions());
  return (
    <main className="page">
      <header className="page-header">
        <h1>Fleet console</h1>
        <p className="muted">Stack status</p>
      </header>
      <HydrateClient>
        <StackStatusPanel />
      </HydrateClient>
    </main>
  );
}
