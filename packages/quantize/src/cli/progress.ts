// A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise (CI logs).
export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  finish(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr, width = 24): ProgressBar {
  const tty = Boolean(stream.isTTY);
  let lastLabel = "";
  const started = Date.now();
  return {
    update(done, total, label) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(fraction * width);
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${seconds}s ${label}`;
      if (tty) stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
      else if (label !== lastLabel) stream.write(`${line}\n`);
      lastLabel = label;
    },
    finish() {
      if (tty) stream.write("\n");
    },
  };
}
