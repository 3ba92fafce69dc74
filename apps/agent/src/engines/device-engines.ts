// The engines this device runs variants on: those the settings allow (--engines) that also load and
// compute here. Probed once at start; the birth reports them and a desired variant of any other
// engine is refused before anything is downloaded.
import { ENGINES, type TEngine } from "@fleet/protocol";
import {
  describeBackend,
  initBackend,
  probeOnnx,
  type BackendChoice,
  type EngineProbe,
  type OpenOptions,
  type VariantRunner,
} from "@fleet/runtime";
import { AgentError } from "../errors.ts";

/** How ONNX Runtime is probed while no onnx variant runs (fleet-agent run: in a child process). */
export type TOnnxProber = () => Promise<EngineProbe>;

export interface TDeviceEnginesOptions {
  /** engines the settings allow (default all) */
  allowed?: readonly TEngine[] | undefined;
  /** ONNX Runtime intra-op threads (undefined = one per core) */
  onnxThreads?: number | undefined;
  /** default: in this process (which then keeps ONNX Runtime loaded, ~40 MB of RSS) */
  probeOnnx?: TOnnxProber | undefined;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

export class DeviceEngines {
  readonly allowed: readonly TEngine[];
  private probing: Promise<EngineProbe[]> | undefined;
  private result: EngineProbe[] | undefined;
  /** the TF.js backend, once the tfjs engine has loaded */
  backend: BackendChoice | undefined;

  constructor(private readonly options: TDeviceEnginesOptions = {}) {
    this.allowed = options.allowed ?? ENGINES;
  }

  /** The probe of every engine (disabled ones say so), once it has run. */
  get probes(): readonly EngineProbe[] | undefined {
    return this.result;
  }

  /** Engines variants may use: the ones that loaded, or before the probe (booting) the allowed ones. */
  get usable(): TEngine[] {
    if (!this.result) return [...this.allowed];
    return this.result.filter((p) => p.available).map((p) => p.engine);
  }

  /**
   * Loads each allowed engine once (later calls share the first probe). `running`: the model that
   * already runs here (booted from disk); an onnx one, verified and self-tested, proves ONNX Runtime
   * works without another probe.
   */
  probe(running?: VariantRunner): Promise<EngineProbe[]> {
    this.probing ??= this.run(running).then((probes) => (this.result = probes));
    return this.probing;
  }

  private async run(running: VariantRunner | undefined): Promise<EngineProbe[]> {
    const probes: EngineProbe[] = [];
    for (const engine of ENGINES) {
      if (!this.allowed.includes(engine)) probes.push({ engine, available: false, detail: "disabled by --engines" });
      else if (engine === "tfjs") probes.push(await this.probeTfjs());
      else if (running?.engine === "onnx")
        probes.push({ engine, available: true, detail: `${running.describe()}, running the active variant` });
      else probes.push(await (this.options.probeOnnx ?? probeOnnx)());
    }
    return probes;
  }

  private async probeTfjs(): Promise<EngineProbe> {
    try {
      this.backend = await initBackend("auto");
      return { engine: "tfjs", available: true, detail: describeBackend(this.backend) };
    } catch (error) {
      return { engine: "tfjs", available: false, detail: firstLine(error) };
    }
  }

  /** Throws `unsupported_engine` (naming what the device has) when a variant of `engine` cannot run here. */
  check(engine: TEngine, variantId: string): void {
    if (this.usable.includes(engine)) return;
    const probe = this.result?.find((p) => p.engine === engine);
    const why = !this.allowed.includes(engine)
      ? `disabled on this device (--engines ${this.allowed.join(",")})`
      : `not loadable on this device (${probe?.detail ?? "not probed"})`;
    const has = this.usable.length > 0 ? `it runs ${this.usable.join(", ")}` : "it runs no engine";
    throw new AgentError(
      "unsupported_engine",
      `variant ${variantId} needs the ${engine} engine, which is ${why}; ${has}`,
    );
  }

  /** What the runtime opens variants with: only usable engines, the configured threads. */
  openOptions(): OpenOptions {
    return {
      engines: this.usable,
      ...(this.options.onnxThreads !== undefined ? { threads: this.options.onnxThreads } : {}),
    };
  }
}
