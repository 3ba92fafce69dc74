import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servePglite } from "./embedded-postgres.ts";

// PGlite has one backend session; the socket server (pglite-wire-server.ts) multiplexes every
// client onto it. An extended-query batch (Parse, Bind, Describe, Execute … Sync) of one client
// must never interleave with another client's, or a Bind would run on the other client's
// statement (wrong rows, or worse).
describe("embedded PGlite socket under concurrent clients", () => {
  let db: PGlite;
  let served: Awaited<ReturnType<typeof servePglite>>;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    db = await PGlite.create();
    served = await servePglite(db);
    for (let i = 0; i < 6; i++) {
      const client = new pg.Client({ connectionString: served.url });
      await client.connect();
      clients.push(client);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await served.stop();
    await db.close();
  });

  it("keeps each client's parameterised queries apart", async () => {
    const runs = clients.map((client, c) =>
      Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          // Each client uses a statement of a different shape (1..4 parameters).
          const params = Array.from({ length: c + 1 }, (_, p) => `${c}-${i}-${p}`);
          const columns = params.map((_, p) => `$${p + 1}::text AS p${p}`).join(", ");
          const { rows } = await client.query(`SELECT ${columns}`, params);
          return Object.values(rows[0] as Record<string, string>);
        }).map(async (result, i) =>
          expect(await result).toEqual(Array.from({ length: c + 1 }, (_, p) => `${c}-${i}-${p}`)),
        ),
      ),
    );
    await Promise.all(runs);
  });
});
