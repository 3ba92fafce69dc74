// Installs a desired variant into the cache directory: manifest first (size, sha256, ed25519
// signature), then every listed file with Range resume into staging, each checked against the signed
// manifest, then one rename into place. Concurrent installs of the same content share one download.
import { createHash, type KeyObject } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { MANIFEST_FILE, parseManifest, type TManifest } from "@fleet/runtime";
import type { TDesiredVariant } from "@fleet/protocol";
import type { DeviceEngines } from "../engines/device-engines.ts";
import { AgentError } from "../errors.ts";
import type { TInstalledVariant } from "../store/device-state.ts";
import type { TBackoffOptions } from "../mqtt/backoff.ts";
import { downloadFile } from "./download.ts";
import { verifyManifestSignature } from "./signature.ts";

export interface TInstallProgress {
  phase: "downloading" | "verifying";
  /** 0..1 of the bytes to download */
  progress: number;
}

export interface TInstalled {
  dir: string;
  dirName: string;
  manifest: TManifest;
}

export interface TVariantCacheOptions {
  root: string;
  publicKey: KeyObject | undefined;
  maxBytes: number;
  /** a variant of an engine the device cannot run is refused before anything is downloaded */
  engines: Pick<DeviceEngines, "check">;
  downloadAttempts?: number;
  downloadBackoff?: TBackoffOptions;
  idleTimeoutMs?: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The cache directory of a variant: its id (made file-safe) and the start of its manifest hash. */
export function variantDirName(variant: Pick<TDesiredVariant, "id" | "sha256">): string {
  return `${variant.id.replace(/[^A-Za-z0-9._-]/g, "_")}-${variant.sha256.slice(0, 12)}`;
}

/** Files are fetched beside the manifest; the manifest URL's query (a signed URL's token) is kept. */
export function fileUrl(manifestUrl: string, file: string): string {
  const base = new URL(manifestUrl);
  const url = new URL(file.split("/").map(encodeURIComponent).join("/"), base);
  url.search = base.search;
  return url.toString();
}

/** One install of one variant directory, shared by every caller that wants it (simulated devices). */
interface TInstallRun {
  result: Promise<TInstalled>;
  /** cancels the download: when every caller has given up on it */
  controller: AbortController;
  callers: number;
  settled: boolean;
}

export class VariantCache {
  private readonly inFlight = new Map<string, TInstallRun>();
  readonly variantsDir: string;
  readonly stagingDir: string;

  constructor(private readonly options: TVariantCacheOptions) {
    this.variantsDir = path.join(options.root, "variants");
    this.stagingDir = path.join(options.root, "staging");
  }

  dirOf(dirName: string): string {
    return path.join(this.variantsDir, dirName);
  }

  /**
   * Installs `variant` (or joins the install already under way). When `signal` aborts, this call
   * rejects at once with its reason; once no caller wants the install any more, the download is cut
   * and its partial files in staging are removed (a newer target cannot resume them).
   */
  install(
    variant: TDesiredVariant,
    onProgress: (progress: TInstallProgress) => void = () => {},
    signal?: AbortSignal,
  ): Promise<TInstalled> {
    const key = variantDirName(variant);
    let run = this.inFlight.get(key);
    if (!run || run.controller.signal.aborted) {
      // A cancelled run is not joined (its callers gave up on it); a new one starts once it has
      // removed its staging files, so the two never write the same directory.
      const cancelled = run?.result.then(
        () => {},
        () => {},
      );
      const controller = new AbortController();
      const started: TInstallRun = {
        controller,
        callers: 0,
        settled: false,
        result: (cancelled ?? Promise.resolve())
          .then(() => this.installOnce(variant, key, onProgress, controller.signal))
          .finally(() => {
            started.settled = true;
            if (this.inFlight.get(key) === started) this.inFlight.delete(key);
          }),
      };
      run = started;
      this.inFlight.set(key, run);
    }
    const shared = run;
    shared.callers++;
    return new Promise<TInstalled>((resolve, reject) => {
      const leave = () => {
        signal?.removeEventListener("abort", onAbort);
        shared.callers--;
      };
      const onAbort = () => {
        leave();
        if (shared.callers === 0 && !shared.settled) shared.controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      shared.result.then(
        (installed) => {
          leave();
          resolve(installed);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  private async installOnce(
    variant: TDesiredVariant,
    dirName: string,
    onProgress: (progress: TInstallProgress) => void,
    signal: AbortSignal,
  ): Promise<TInstalled> {
    try {
      return await this.download(variant, dirName, onProgress, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      // Cancelled for another target: what was fetched so far cannot be resumed for it.
      await rm(path.join(this.stagingDir, dirName), { recursive: true, force: true });
      throw signal.reason;
    }
  }

  private async download(
    variant: TDesiredVariant,
    dirName: string,
    onProgress: (progress: TInstallProgress) => void,
    signal: AbortSignal,
  ): Promise<TInstalled> {
    this.options.engines.check(variant.engine, variant.id);
    if (!this.options.publicKey)
      throw new AgentError(
        "no_public_key",
        "no console public key configured (--public-key); refusing unsigned artifacts",
      );
    const target = this.dirOf(dirName);
    const ready = await this.readInstalled(target, variant);
    if (ready) return ready;

    if (variant.bytes > this.options.maxBytes)
      throw new AgentError(
        "too_large",
        `manifest of ${variant.bytes} bytes exceeds the ${this.options.maxBytes}-byte limit`,
      );
    const staging = path.join(this.stagingDir, dirName);
    await mkdir(staging, { recursive: true });
    onProgress({ phase: "downloading", progress: 0 });
    const manifestFile = path.join(staging, MANIFEST_FILE);
    await this.fetchFile(variant.url, manifestFile, variant.bytes, signal);
    const manifestBytes = await readFile(manifestFile);
    if (sha256(manifestBytes) !== variant.sha256) {
      await rm(manifestFile, { force: true });
      throw new AgentError(
        "hash_mismatch",
        `manifest.json: sha256 ${sha256(manifestBytes)} does not match desired (${variant.sha256})`,
      );
    }
    verifyManifestSignature(manifestBytes, variant.signature, this.options.publicKey);
    const manifest = this.parse(manifestBytes);
    const total = manifest.bytes + variant.bytes;
    if (total > this.options.maxBytes)
      throw new AgentError(
        "too_large",
        `variant of ${total} bytes exceeds the ${this.options.maxBytes}-byte limit (--max-model-mb)`,
      );

    let done = 0;
    for (const file of manifest.files) {
      const dest = path.join(staging, file.path);
      await mkdir(path.dirname(dest), { recursive: true });
      if (!(await this.holds(dest, file))) {
        await rm(dest, { force: true });
        await this.fetchFile(fileUrl(variant.url, file.path), dest, file.bytes, signal, (received) => {
          onProgress({ phase: "downloading", progress: Math.min(1, (done + received) / Math.max(1, manifest.bytes)) });
        });
      }
      done += file.bytes;
    }
    signal.throwIfAborted();
    onProgress({ phase: "verifying", progress: 1 });
    for (const file of manifest.files) {
      const bytes = await readFile(path.join(staging, file.path));
      if (bytes.length !== file.bytes || sha256(bytes) !== file.sha256) {
        // Drop the bad copy so a later attempt fetches it again instead of trusting it.
        await rm(path.join(staging, file.path), { force: true });
        throw new AgentError(
          "hash_mismatch",
          `${file.path}: sha256 ${sha256(bytes)} does not match the signed manifest (${file.sha256})`,
        );
      }
    }
    await mkdir(this.variantsDir, { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return { dir: target, dirName, manifest };
  }

  /** An already installed copy whose manifest is the desired one (files are re-verified at load). */
  private async readInstalled(target: string, variant: TDesiredVariant): Promise<TInstalled | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(target, MANIFEST_FILE));
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== variant.sha256) return undefined;
    verifyManifestSignature(bytes, variant.signature, this.options.publicKey!);
    return { dir: target, dirName: path.basename(target), manifest: this.parse(bytes) };
  }

  /**
   * Before a stored variant runs again (at boot): its manifest.json is still the one installed and
   * still carries the console's signature. The files are then checked against that manifest by the
   * runtime, which hashes every one before it parses any (ModelPool.acquire).
   */
  async verifyStored(variant: TInstalledVariant): Promise<void> {
    const { publicKey } = this.options;
    if (!publicKey)
      throw new AgentError(
        "no_public_key",
        "no console public key configured (--public-key); a stored variant cannot be verified",
      );
    if (variant.signature === undefined)
      throw new AgentError(
        "bad_signature",
        "no manifest signature recorded for it (installed by an older agent); it is verified again when the console's desired state is applied",
      );
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(this.dirOf(variant.dir), MANIFEST_FILE));
    } catch (error) {
      throw new AgentError("bad_manifest", `manifest.json cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
    const actual = sha256(bytes);
    if (actual !== variant.manifestSha256)
      throw new AgentError(
        "hash_mismatch",
        `manifest.json: sha256 ${actual} is not the installed manifest's (${variant.manifestSha256}): changed on disk`,
      );
    verifyManifestSignature(bytes, variant.signature, publicKey);
  }

  private parse(bytes: Uint8Array): TManifest {
    try {
      return parseManifest(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new AgentError("bad_manifest", (error as Error).message);
    }
  }

  private async holds(file: string, expected: { bytes: number; sha256: string }): Promise<boolean> {
    try {
      if ((await stat(file)).size !== expected.bytes) return false;
      return sha256(await readFile(file)) === expected.sha256;
    } catch {
      return false;
    }
  }

  private fetchFile(
    url: string,
    dest: string,
    bytes: number,
    signal: AbortSignal,
    onBytes?: (received: number) => void,
  ): Promise<void> {
    return downloadFile(url, dest, {
      bytes,
      signal,
      ...(this.options.downloadAttempts !== undefined ? { attempts: this.options.downloadAttempts } : {}),
      ...(this.options.downloadBackoff ? { backoff: this.options.downloadBackoff } : {}),
      ...(this.options.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.options.idleTimeoutMs } : {}),
      ...(onBytes ? { onBytes } : {}),
    });
  }

  async remove(dirName: string): Promise<void> {
    await rm(this.dirOf(dirName), { recursive: true, force: true });
  }

  /** Removes every cached variant and staging directory not in `keep` (the active and previous). */
  async clean(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const dir of [this.variantsDir, this.stagingDir]) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (keep.has(name) || [...this.inFlight.keys()].includes(name)) continue;
        await rm(path.join(dir, name), { recursive: true, force: true });
        removed.push(name);
      }
    }
    return removed;
  }
}
