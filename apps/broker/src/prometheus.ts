// Just enough of the Prometheus text exposition format (version 0.0.4) for a handful of metrics.

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type TLabels = Readonly<Record<string, string>>;

interface MetricFamily {
  render(): string;
}

export class Counter implements MetricFamily {
  readonly #values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: TLabels, by = 1): void {
    const key = labelText(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  get(labels?: TLabels): number {
    return this.#values.get(labelText(labels)) ?? 0;
  }

  render(): string {
    // A counter without labels reports 0 before its first event, so dashboards see the series.
    const samples = this.#values.size === 0 ? new Map([["", 0]]) : this.#values;
    return (
      header(this.name, this.help, "counter") +
      [...samples].map(([labels, value]) => `${this.name}${labels} ${value}\n`).join("")
    );
  }
}

/** A value read at scrape time (connected clients, uptime, bytes of open sockets...). */
export class Gauge implements MetricFamily {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly read: () => number,
    readonly type: "gauge" | "counter" = "gauge",
  ) {}

  render(): string {
    return `${header(this.name, this.help, this.type)}${this.name} ${this.read()}\n`;
  }
}

export function renderFamilies(families: readonly MetricFamily[]): string {
  return families.map((family) => family.render()).join("");
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
}

function labelText(labels: TLabels | undefined): string {
  if (labels === undefined) return "";
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${String(labels[key]).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}
