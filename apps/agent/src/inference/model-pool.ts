// One loaded model per variant directory for the whole process: the simulator's N devices share it,
// and a single agent holds at most the active model plus the one being activated.
import { loadVariant, type LoadedModel } from "@fleet/runtime";

type TLoader = (dir: string) => Promise<LoadedModel>;

interface TEntry {
  model: Promise<LoadedModel>;
  refs: number;
}

export class ModelPool {
  private readonly entries = new Map<string, TEntry>();

  /** `load` is the runtime's verified load with self-test; tests inject failures here. */
  constructor(private readonly load: TLoader = (dir) => loadVariant(dir)) {}

  /** The model of `dir`, loaded (verified and self-tested) on first use. A failed load is not cached. */
  async acquire(dir: string): Promise<LoadedModel> {
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

  /** Drops one reference; the last one disposes the model's tensors. */
  release(dir: string): void {
    const entry = this.entries.get(dir);
    if (!entry) return;
    entry.refs--;
    if (entry.refs > 0) return;
    this.entries.delete(dir);
    void entry.model.then((model) => model.dispose(), () => {});
  }

  get size(): number {
    return this.entries.size;
  }
}
