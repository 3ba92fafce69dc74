// Agent reports → rollout device states. The broker's ingest writes every `reported` message as a
// DeviceReport row (rev, state, variantId = target ?? active, error "code: message") and knows nothing
// of rollouts; this one statement moves each in-flight RolloutDevice to the state of the newest report
// about its revision, and records on Device what it now runs. Idempotent, so any console process may
// run it at any time; it also counts devices that report long after their wave (offline ones).
import type { Prisma } from "@fleet/db";

type TDb = Pick<Prisma.TransactionClient, "$queryRaw">;

/** Returns how many rollout devices changed state. */
export async function syncReports(db: TDb): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ changed: bigint }>>`
    WITH latest AS (
      SELECT DISTINCT ON (rd."rolloutId", rd."deviceId")
             rd."rolloutId", rd."deviceId", ro.status, r.rev, r.state AS reported, r."variantId", r.error, r.ts
        FROM "RolloutDevice" rd
        JOIN "Rollout" ro ON ro.id = rd."rolloutId"
        JOIN "DeviceReport" r ON r."deviceId" = rd."deviceId" AND r.rev = rd."desiredRev"
       WHERE rd.state IN ('SENT', 'DOWNLOADING', 'VERIFYING', 'ACTIVATING')
       ORDER BY rd."rolloutId", rd."deviceId", r.ts DESC, r.id DESC
    ), mapped AS (
      SELECT l.*,
             (CASE l.reported
                WHEN 'downloading' THEN 'DOWNLOADING'
                WHEN 'verifying' THEN 'VERIFYING'
                WHEN 'activating' THEN 'ACTIVATING'
                WHEN 'active' THEN CASE WHEN l.status IN ('ROLLING_BACK', 'ROLLED_BACK') THEN 'ROLLED_BACK' ELSE 'ACTIVE' END
                WHEN 'failed' THEN 'FAILED'
                WHEN 'rolled_back' THEN 'ROLLED_BACK'
              END)::"RolloutDeviceState" AS next_state
        FROM latest l
    ), changed AS (
      UPDATE "RolloutDevice" rd
         SET state = m.next_state,
             error = COALESCE(m.error, rd.error),
             "activatedAt" = CASE WHEN m.next_state = 'ACTIVE' THEN m.ts ELSE rd."activatedAt" END,
             "updatedAt" = now()
        FROM mapped m
       WHERE rd."rolloutId" = m."rolloutId" AND rd."deviceId" = m."deviceId"
         AND m.next_state IS NOT NULL AND m.next_state <> rd.state
      RETURNING rd."deviceId", m.rev, m.reported, m."variantId"
    ), device_facts AS (
      SELECT DISTINCT ON (c."deviceId") c."deviceId", c.rev, c.reported,
             c."variantId", (c."variantId" IS NULL OR EXISTS (SELECT 1 FROM "ModelVariant" v WHERE v.id = c."variantId")) AS known
        FROM changed c
       ORDER BY c."deviceId", c.rev DESC
    ), devices AS (
      UPDATE "Device" d
         SET "reportedRev" = GREATEST(COALESCE(d."reportedRev", 0), f.rev),
             "prevVariantId" = CASE WHEN f.reported = 'active' AND f.known AND d."activeVariantId" IS DISTINCT FROM f."variantId"
                                    THEN d."activeVariantId" ELSE d."prevVariantId" END,
             "activeVariantId" = CASE WHEN f.reported = 'active' AND f.known THEN f."variantId" ELSE d."activeVariantId" END,
             "updatedAt" = now()
        FROM device_facts f
       WHERE d.id = f."deviceId"
      RETURNING d.id
    )
    SELECT count(*) AS changed FROM changed`;
  return Number(row?.changed ?? 0);
}
