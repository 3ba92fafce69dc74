// Which kernels ONNX Runtime actually executes for a graph, and for how long: the proof that an
// int8 graph runs on integer kernels (read from ORT's own profiler, after its graph optimizations).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { encodeModel } from "../graph/encode-model.ts";
import type { OnnxModelProto } from "../graph/onnx-proto.ts";

export interface KernelTime {
  /** the executed op type (after ORT's fusions, e.g. QLinearConv, QGemm, MatMulIntegerToFloat) */
  op: string;
  provider: string;
  /** nodes of this op type */
  nodes: number;
  /** time per run (median over the runs, summed over the nodes), microseconds */
  microsPerRun: number;
}

/** runs `model` `runs` times on a constant input of `shape` with profiling on, one thread */
export async function profileKernels(
  model: OnnxModelProto | Uint8Array,
  shape: number[],
  runs = 20,
): Promise<KernelTime[]> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-ort-profile-"));
  try {
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      enableProfiling: true,
      profileFilePrefix: join(dir, "profile"),
    });
    const count = shape.reduce((a, b) => a * b, 1);
    const feeds = { [session.inputNames[0]!]: new ort.Tensor("float32", new Float32Array(count).fill(0.5), shape) };
    for (let i = 0; i < runs; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith(".json"));
    if (!file) throw new Error("ONNX Runtime wrote no profile");
    const events = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      cat: string;
      name: string;
      dur: number;
      args?: { op_name?: string; provider?: string };
    }[];
    // per node the median over runs (the first run includes one-off work such as weight packing)
    const byNode = new Map<string, { op: string; provider: string; durations: number[] }>();
    for (const e of events) {
      if (e.cat !== "Node" || !e.name.endsWith("_kernel_time") || !e.args?.op_name) continue;
      const entry = byNode.get(e.name) ?? { op: e.args.op_name, provider: e.args.provider ?? "", durations: [] };
      entry.durations.push(e.dur);
      byNode.set(e.name, entry);
    }
    const byOp = new Map<string, KernelTime>();
    for (const node of byNode.values()) {
      const sorted = node.durations.sort((a, b) => a - b);
      const key = `${node.op}@${node.provider}`;
      const entry = byOp.get(key) ?? { op: node.op, provider: node.provider, nodes: 0, microsPerRun: 0 };
      entry.nodes += 1;
      entry.microsPerRun += sorted[Math.floor(sorted.length / 2)]!;
      byOp.set(key, entry);
    }
    return [...byOp.values()].sort((a, b) => b.microsPerRun - a.microsPerRun);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
