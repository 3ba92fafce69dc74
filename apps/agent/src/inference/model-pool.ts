// One loaded model per variant directory for the whole process: the simulator's N devices share it,
// and a single agent holds at most the active model plus the one being activated.
import { openVariant, type VariantRunner } from "@fleet/runtime";

type TLoader = (dir: string) => Promise<VariantRunner>;

interface TEntry {
  model: Promise<VariantRunner>;
  refs: number;
}

export class ModelPool {
  private readonly entries = new Map<string, TEntry>();

  /** `load` is the runtime's verified load with self-test, on the variant's engine; tests inject failures here. */
  constructor(private readonly load: TLoader = (dir) => openVariant(dir)) {}

  /** The model of `dir`, loaded (verified and self-tested) on first use. A failed load is not cached. */
  async acquire(dir: string): Promise<VariantRunner> {
    let entry = this.entries.get(dir);
    if (!entry) {
      entry = { model: this.load(dir), refs: 0 };
      this.entries.set(dir, entry);
      const created = entry;
      created.model.catch(() => {
        if (this.entries.get(dir) === created) this.entries.delete(dir);
      });
    }
    entry.refs++;
    try {
      return await entry.model;
    } catch (error) {
      entry.refs--;
      throw error;
    }
  }

  /**
   * Drops one reference; the last one disposes the model (TF.js tensors, or the ONNX Runtime session,
   * whose release is asynchronous). The caller makes sure no inference still runs on it.
   */
  async release(dir: string): Promise<void> {
    const entry = this.entries.get(dir);
    if (!entry) return;
    entry.refs--;
    if (entry.refs > 0) return;
    this.entries.delete(dir);
    let model: VariantRunner;
    try {
      model = await entry.model;
    } catch {
      return; // never loaded: nothing to free
    }
    await model.dispose();
  }

  get size(): number {
    return this.entries.size;
  }
}
