// Issuing desired revisions: one statement bumps Device.desiredRev and records the new rev on the
// RolloutDevice rows with sentAt NULL ("to publish"). The publisher (rollout-driver.ts) sends what is
// unpublished and sets sentAt, so a crash between the two only means the message goes out on the
// next tick, with the same rev. Call these inside a transaction that first updated the Rollout row
// (that row lock serializes everything that changes one rollout).
import type { Prisma } from "@fleet/db";

type TTx = Pick<Prisma.TransactionClient, "$executeRaw">;

/**
 * PENDING devices of waves 1..maxWave get the next revision of their target variant. A device whose
 * last birth no longer reports the variant's engine (waves can be days apart; the plan checked the
 * engines at start) is not sent it: it becomes INCOMPATIBLE, with the reason. Hardware without an
 * engines list counts as tfjs only, as in the chooser (domain/models/choose-variant.ts).
 */
export async function issueWaveRevisions(tx: TTx, rolloutId: string, maxWave: number): Promise<number> {
  await tx.$executeRaw`
    WITH stale AS (
      SELECT rd."deviceId", v.engine::text AS engine,
             CASE WHEN jsonb_typeof(d.hardware->'engines') = 'array' THEN d.hardware->'engines' END AS reported
        FROM "RolloutDevice" rd
        JOIN "Device" d ON d.id = rd."deviceId"
        JOIN "ModelVariant" v ON v.id = rd."variantId"
       WHERE rd."rolloutId" = ${rolloutId} AND rd.wave BETWEEN 1 AND ${maxWave} AND rd.state = 'PENDING'
    )
    UPDATE "RolloutDevice" rd
       SET state = 'INCOMPATIBLE', wave = 0, "variantId" = NULL, "updatedAt" = now(),
           reason = 'Not sent: engine ' || s.engine || CASE
             WHEN s.reported IS NULL THEN ' is not known to load on this device any more (it has not reported its engines; only tfjs is assumed).'
             ELSE ' does not load on this device any more (it reports '
                  || COALESCE((SELECT string_agg(e.name, ', ') FROM jsonb_array_elements_text(s.reported) AS e(name)), 'no engine') || ').'
           END
      FROM stale s
     WHERE rd."rolloutId" = ${rolloutId} AND rd."deviceId" = s."deviceId"
       AND NOT EXISTS (
         SELECT 1 FROM jsonb_array_elements_text(COALESCE(s.reported, '["tfjs"]'::jsonb)) AS e(name)
          WHERE lower(e.name) = lower(s.engine))`;
  return tx.$executeRaw`
    WITH picked AS (
      SELECT "deviceId" FROM "RolloutDevice"
       WHERE "rolloutId" = ${rolloutId} AND wave BETWEEN 1 AND ${maxWave} AND state = 'PENDING'
       ORDER BY "deviceId"
       FOR UPDATE
    ), bumped AS (
      UPDATE "Device" d SET "desiredRev" = d."desiredRev" + 1, "updatedAt" = now()
        FROM picked WHERE d.id = picked."deviceId"
      RETURNING d.id, d."desiredRev", d."activeVariantId"
    )
    UPDATE "RolloutDevice" rd
       SET state = 'SENT', "desiredRev" = b."desiredRev", "previousVariantId" = b."activeVariantId",
           "sentAt" = NULL, error = NULL, "updatedAt" = now()
      FROM bumped b
     WHERE rd."rolloutId" = ${rolloutId} AND rd."deviceId" = b.id`;
}

/**
 * Every device that was issued a revision of this rollout gets a new one naming its previous variant
 * (published as such while the rollout is ROLLING_BACK or ROLLED_BACK). Devices never sent anything
 * stay PENDING.
 */
export function issueRollbackRevisions(tx: TTx, rolloutId: string): Promise<number> {
  return tx.$executeRaw`
    WITH picked AS (
      SELECT "deviceId" FROM "RolloutDevice"
       WHERE "rolloutId" = ${rolloutId} AND "desiredRev" IS NOT NULL
       ORDER BY "deviceId"
       FOR UPDATE
    ), bumped AS (
      UPDATE "Device" d SET "desiredRev" = d."desiredRev" + 1, "updatedAt" = now()
        FROM picked WHERE d.id = picked."deviceId"
      RETURNING d.id, d."desiredRev"
    )
    UPDATE "RolloutDevice" rd
       SET state = 'SENT', "desiredRev" = b."desiredRev", "sentAt" = NULL, "updatedAt" = now()
      FROM bumped b
     WHERE rd."rolloutId" = ${rolloutId} AND rd."deviceId" = b.id`;
}
