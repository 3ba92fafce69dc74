// Where a model's files live: FLEET_DATA_DIR/models/<modelId>/{source/{model,calib,val}, work, report.json}.
import path from "node:path";

export const MODELS_DIR = "models";

export function modelPaths(dataDir: string, modelId: string) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(modelId)) throw new Error(`invalid model id ${JSON.stringify(modelId)}`);
  const root = path.join(dataDir, MODELS_DIR, modelId);
  const source = path.join(root, "source");
  return {
    root,
    source,
    model: path.join(source, "model"),
    calib: path.join(source, "calib"),
    val: path.join(source, "val"),
    /** fleet-quantize's output while a job runs; removed once its variants are in the artifact store. */
    work: path.join(root, "work"),
    report: path.join(root, "report.json"),
  };
}
