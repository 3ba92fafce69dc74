// After quantization: every variant directory goes into the artifact store, its manifest is signed,
// and one ModelVariant row records it (upserted by model and name, so a re-run replaces, never duplicates).
import path from "node:path";
import type { Prisma, PrismaClient } from "@fleet/db";
import type { TReport } from "@fleet/quantize";
import { precisionOf } from "@fleet/variants";
import type { TArtifactStore } from "../../artifacts/artifact-store.ts";
import type { TSigningKey } from "../../artifacts/keys.ts";
import { storeVariantDir } from "../../artifacts/variant-artifacts.ts";

export class VariantEngineMismatchError extends Error {
  override readonly name = "VariantEngineMismatchError";
}

const toJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

export async function storeQuantizedVariants(options: {
  prisma: PrismaClient;
  store: TArtifactStore;
  key: Pick<TSigningKey, "privateKey">;
  modelId: string;
  /** fleet-quantize's --out directory: one directory per variant. */
  outDir: string;
  report: TReport;
}): Promise<Array<{ id: string; name: string }>> {
  const rows: Array<{ id: string; name: string }> = [];
  for (const variant of options.report.variants) {
    const stored = await storeVariantDir({
      store: options.store,
      dir: path.join(options.outDir, variant.dir),
      key: options.key,
    });
    // The signed manifest names the engine the agent will load it with (parseManifest holds it to the
    // manifest's variant kind); the report's kind must be that same kind, or a device could be chosen
    // for an engine it cannot run.
    const { engine } = stored.manifest;
    if (stored.manifest.variant !== variant.variant) {
      throw new VariantEngineMismatchError(
        `${variant.dir}: report.json says variant ${variant.variant} but its manifest.json says ${stored.manifest.variant} on engine ${stored.manifest.engine}`,
      );
    }
    const data = {
      // the database spells the vocabulary as it is: the kind's precision, the manifest's engine
      precision: precisionOf(variant.variant),
      engine,
      bytes: stored.manifest.bytes,
      sha256: stored.manifestSha256,
      signature: stored.signature,
      artifactKey: stored.artifactKey,
      metrics: toJson(variant),
      layerPrecision: toJson(
        stored.manifest.layers.map((layer) => ({ name: layer.name, op: layer.op, precision: layer.precision })),
      ),
    };
    const row = await options.prisma.modelVariant.upsert({
      where: { modelId_name: { modelId: options.modelId, name: variant.variant } },
      create: { modelId: options.modelId, name: variant.variant, ...data },
      update: data,
      select: { id: true, name: true },
    });
    rows.push(row);
  }
  return rows;
}
