// Resumable HTTP download: bytes already in `<dest>.part` are kept and the rest requested with
// Range, so a cut connection (or a restart of the agent) costs only what was not yet received.
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { Transform } from "node:stream";
import { AgentError } from "../errors.ts";
import { backoffDelay, type TBackoffOptions } from "../mqtt/backoff.ts";

export interface TDownloadOptions {
  /** exact size expected; more is refused, less is resumed */
  bytes: number;
  /** attempts per file before giving up (a cut connection counts as one) */
  attempts?: number;
  backoff?: TBackoffOptions;
  /** abort a request that receives nothing for this long */
  idleTimeoutMs?: number;
  onBytes?: (received: number) => void;
  signal?: AbortSignal;
}

const RETRY_BACKOFF: TBackoffOptions = { initialMs: 500, maxMs: 10_000, jitter: 0.5 };

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

class PermanentError extends AgentError {}

async function attemptDownload(url: string, part: string, options: TDownloadOptions): Promise<void> {
  let offset = await sizeOf(part);
  if (offset > options.bytes) {
    await rm(part, { force: true });
    offset = 0;
  }
  if (offset === options.bytes) return;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort);
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () => controller.abort(new Error(`no data for ${options.idleTimeoutMs ?? 30_000} ms`)),
      options.idleTimeoutMs ?? 30_000,
    );
  };
  try {
    armIdle();
    const response = await fetch(url, {
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      signal: controller.signal,
      redirect: "follow",
    });
    if (response.status === 416 && offset > 0) {
      // The partial file does not fit what the server has now: start over.
      await response.body?.cancel();
      await rm(part, { force: true });
      throw new AgentError("download_truncated", `${url}: the server has fewer bytes than announced (range refused)`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      const message = `${url}: HTTP ${response.status} ${response.statusText}`.trim();
      // 4xx other than timeouts and rate limits will not get better by retrying (expired URL, gone).
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
        throw new PermanentError("download_failed", message);
      throw new AgentError("download_failed", message);
    }
    const resumed = response.status === 206;
    if (resumed) {
      const range = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
      if (!range || Number(range[1]) !== offset)
        throw new AgentError("download_failed", `${url}: server answered an unexpected range`);
    } else offset = 0;
    let received = offset;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        armIdle();
        received += chunk.length;
        if (received > options.bytes)
          return done(new PermanentError("too_large", `${url}: larger than the ${options.bytes} bytes announced`));
        options.onBytes?.(received);
        done(null, chunk);
      },
    });
    await pipeline(
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
      limit,
      createWriteStream(part, { flags: resumed ? "a" : "w" }),
    );
    if (received < options.bytes)
      throw new AgentError(
        "download_truncated",
        `${url}: connection ended after ${received} of ${options.bytes} bytes`,
      );
  } finally {
    clearTimeout(idle);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Downloads `url` to `dest` (exactly `bytes` long), resuming across attempts and restarts. An abort
 * of `signal` ends it at once (the request is cut, no retry) with the signal's reason.
 */
export async function downloadFile(url: string, dest: string, options: TDownloadOptions): Promise<void> {
  const part = `${dest}.part`;
  const attempts = options.attempts ?? 5;
  const { signal } = options;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    signal?.throwIfAborted();
    try {
      await attemptDownload(url, part, options);
      await rename(part, dest);
      return;
    } catch (error) {
      signal?.throwIfAborted();
      lastError = error;
      if (error instanceof PermanentError) throw new AgentError(error.code, error.message);
      if (attempt + 1 < attempts)
        await sleep(backoffDelay(attempt, options.backoff ?? RETRY_BACKOFF), undefined, { signal }).catch(() =>
          signal?.throwIfAborted(),
        );
    }
  }
  if (lastError instanceof AgentError) throw lastError;
  const cause =
    lastError instanceof Error
      ? ((lastError.cause as Error | undefined)?.message ?? lastError.message)
      : String(lastError);
  throw new AgentError("download_failed", `${url}: ${cause} (after ${attempts} attempts)`);
}
