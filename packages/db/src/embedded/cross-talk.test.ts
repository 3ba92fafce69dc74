import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servePglite } from "./embedded-postgres.ts";
import { WireClient, wire } from "../testing/wire-client.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// PGlite has one backend session, so the unnamed statement and portal are shared by every socket
// client. One client's extended-query batch must own the backend from its first message until
// its Sync's ReadyForQuery, however its bytes are cut into TCP reads.
describe("embedded PGlite socket: no cross-talk between clients", () => {
  let db: PGlite;
  let served: Awaited<ReturnType<typeof servePglite>>;

  beforeAll(async () => {
    db = await PGlite.create();
    served = await servePglite(db);
    await db.exec("CREATE TABLE telemetry (device text NOT NULL, seq int NOT NULL, value float8 NOT NULL)");
  });

  afterAll(async () => {
    await served.stop();
    await db.close();
  });

  it("a batch whose Bind arrives in a later TCP packet binds its own statement", async () => {
    const raw = await WireClient.connect(served.port);
    const other = new pg.Client({ connectionString: served.url });
    await other.connect();
    try {
      await raw.write(wire.parse("SELECT $1::text AS only"));
      await sleep(50);
      // Another client's 3-parameter statement, sent while the first batch is still open.
      const theirs = other.query("SELECT $1::text AS a, $2::text AS b, $3::text AS c", ["x", "y", "z"]);
      await sleep(100);
      await raw.write(Buffer.concat([wire.bind(["mine"]), wire.execute(), wire.sync()]));
      const mine = await raw.readUntilReady();
      expect(mine.errors).toEqual([]);
      expect(mine.rows).toEqual([["mine"]]);
      expect((await theirs).rows).toEqual([{ a: "x", b: "y", c: "z" }]);
    } finally {
      await raw.close();
      await other.end();
    }
  });

  it("a client whose Sync arrives late keeps its portal", async () => {
    const raw = await WireClient.connect(served.port);
    const other = new pg.Client({ connectionString: served.url });
    await other.connect();
    try {
      await raw.write(Buffer.concat([wire.parse("SELECT $1::text AS only"), wire.bind(["mine"])]));
      await sleep(50);
      const theirs = other.query("SELECT $1::int + 1 AS n", [41]);
      await sleep(100);
      await raw.write(Buffer.concat([wire.execute(), wire.sync()]));
      const mine = await raw.readUntilReady();
      expect(mine.errors).toEqual([]);
      expect(mine.rows).toEqual([["mine"]]);
      expect((await theirs).rows).toEqual([{ n: 42 }]);
    } finally {
      await raw.close();
      await other.end();
    }
  });

  it("pipelined batches of one client and another client's queries each bind their own statement", async () => {
    const raw = await WireClient.connect(served.port);
    const other = new pg.Client({ connectionString: served.url });
    await other.connect();
    try {
      const batch = (params: string[]) =>
        Buffer.concat([
          wire.parse(`SELECT ${params.map((_, i) => `$${i + 1}::text`).join(" || ")} AS v`),
          wire.bind(params),
          wire.execute(),
          wire.sync(),
        ]);
      // Ten batches of 1..3 parameters in one write, the last Sync in a later packet.
      const batches = Array.from({ length: 10 }, (_, i) => Array.from({ length: (i % 3) + 1 }, (_, p) => `${i}.${p};`));
      const bytes = Buffer.concat(batches.map(batch));
      const theirs = Promise.all(Array.from({ length: 20 }, (_, i) => other.query("SELECT $1::int * 2 AS n", [i])));
      await raw.write(bytes.subarray(0, bytes.length - 5));
      await sleep(50);
      await raw.write(bytes.subarray(bytes.length - 5));
      for (const params of batches) {
        const result = await raw.readUntilReady();
        expect(result.errors).toEqual([]);
        expect(result.rows).toEqual([[params.join("")]]);
      }
      expect((await theirs).map((r) => r.rows[0])).toEqual(Array.from({ length: 20 }, (_, i) => ({ n: i * 2 })));
    } finally {
      await raw.close();
      await other.end();
    }
  });

  it("a transaction keeps the backend through a big result until COMMIT", async () => {
    const owner = new pg.Client({ connectionString: served.url });
    const other = new pg.Client({ connectionString: served.url });
    await Promise.all([owner.connect(), other.connect()]);
    try {
      await owner.query("BEGIN");
      // ~20 MB of DataRows: the backend's answer reaches the server in many chunks.
      const big = await owner.query("SELECT $1::text || g AS v FROM generate_series(1, 20000) g", ["x".repeat(1000)]);
      expect(big.rows).toHaveLength(20_000);
      let done = false;
      const waiting = other.query("SELECT $1::int AS n", [1]).then((r) => {
        done = true;
        return r.rows;
      });
      await sleep(100);
      expect(done).toBe(false);
      await owner.query("COMMIT");
      expect(await waiting).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all([owner.end(), other.end()]);
    }
  });

  it("a client that disconnects mid-batch or mid-transaction leaves nothing behind", async () => {
    const check = new pg.Client({ connectionString: served.url });
    await check.connect();
    try {
      // Parse/Bind/Execute of an insert, and the connection dies before its Sync.
      const unsynced = await WireClient.connect(served.port);
      await unsynced.write(
        Buffer.concat([
          wire.parse("INSERT INTO telemetry (device, seq, value) VALUES ($1, 0, 0)"),
          wire.bind(["unsynced"]),
          wire.execute(),
          wire.flush(),
        ]),
      );
      await unsynced.readUntil("C");
      unsynced.destroy();
      // An open transaction, and the connection dies.
      const open = await WireClient.connect(served.port);
      await open.write(wire.query("BEGIN; INSERT INTO telemetry (device, seq, value) VALUES ('in-tx', 0, 0)"));
      expect((await open.readUntilReady()).status).toBe("T");
      open.destroy();
      // A failed extended batch (the backend skips to Sync), and the connection dies.
      const failed = await WireClient.connect(served.port);
      await failed.write(Buffer.concat([wire.parse("SELECT nope"), wire.flush()]));
      await failed.readUntil("E");
      failed.destroy();

      const { rows } = await check.query(
        "SELECT count(*)::int AS n FROM telemetry WHERE device IN ('unsynced', 'in-tx')",
      );
      expect(rows).toEqual([{ n: 0 }]);
      expect((await check.query("SELECT $1::text AS v", ["still works"])).rows).toEqual([{ v: "still works" }]);
      expect(db.isInTransaction()).toBe(false);
    } finally {
      await check.end();
    }
  });

  it("big unnest inserts split over many socket reads do not mix with other clients' queries", async () => {
    // The broker's shape: one multi-row insert whose Bind carries large arrays (several 64 KiB
    // reads on the server), while other pooled connections run small parameterised queries.
    const writers = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const c = new pg.Client({ connectionString: served.url });
        await c.connect();
        return c;
      }),
    );
    const readers = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const c = new pg.Client({ connectionString: served.url });
        await c.connect();
        return c;
      }),
    );
    try {
      let writing = true;
      const rows = 20_000;
      const inserts = writers.map(async (client, w) => {
        for (let batch = 0; batch < 3; batch++) {
          const devices = Array.from({ length: rows }, (_, i) => `device-${w}-${batch}-${i}-${"x".repeat(40)}`);
          const seqs = Array.from({ length: rows }, (_, i) => i);
          const values = Array.from({ length: rows }, (_, i) => i / 7);
          const result = await client.query(
            "INSERT INTO telemetry (device, seq, value) SELECT * FROM unnest($1::text[], $2::int[], $3::float8[])",
            [devices, seqs, values],
          );
          expect(result.rowCount).toBe(rows);
        }
      });
      const reads = readers.map(async (client, r) => {
        for (let i = 0; writing; i++) {
          const { rows: got } = await client.query("SELECT $1::text AS v", [`${r}-${i}`]);
          expect(got).toEqual([{ v: `${r}-${i}` }]);
        }
      });
      const settled = await Promise.allSettled([
        Promise.all(inserts).finally(() => {
          writing = false;
        }),
        Promise.all(reads),
      ]);
      for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
      const { rows: count } = await writers[0]!.query("SELECT count(*)::int AS n FROM telemetry");
      expect(count).toEqual([{ n: writers.length * 3 * rows }]);
    } finally {
      await Promise.all([...writers, ...readers].map((c) => c.end()));
    }
  });
});
