// Desired-state reconciliation. Revisions are handled one at a time and in order (an older or equal
// rev is ignored; of several waiting, only the newest runs). A new variant is installed and verified
// beside the running one, loaded and self-tested, and only then swapped in by rewriting state.json;
// any failure leaves the current model running and is reported with its reason.
import {
  decodePayload,
  SCHEMA_VERSION,
  type TAgentErrorCode,
  type TDesiredPayload,
  type TReportedPayload,
  type TReportedState,
} from "@fleet/protocol";
import { AgentError, describeFailure } from "../errors.ts";
import type { ActiveModelSlot, TActiveModel } from "../inference/active-model-slot.ts";
import type { ModelPool } from "../inference/model-pool.ts";
import type { Logger } from "@fleet/log";
import { EMPTY_STATE, type DeviceStateFile, type TDeviceState, type TInstalledVariant } from "../store/device-state.ts";
import { type VariantCache, variantDirName } from "./variant-cache.ts";

export type TReport = Omit<TReportedPayload, "v" | "ts">;

interface TBootFailure {
  variant: TInstalledVariant;
  failure: { code: TAgentErrorCode; message: string };
}

/** Refusals at boot that mean the stored copy changed: it is deleted rather than trusted again. */
const TAMPERED: ReadonlySet<TAgentErrorCode> = new Set([
  "bad_signature",
  "hash_mismatch",
  "bad_manifest",
  "download_truncated",
]);

export interface TReconcilerDeps {
  cache: VariantCache;
  pool: ModelPool;
  slot: ActiveModelSlot;
  stateFile: DeviceStateFile;
  /** publishes on `reported` (retained); must not throw */
  report: (report: TReport) => void;
  logger: Logger;
  /** whether old variants are removed from the cache after a swap (not when devices share it) */
  cleanCache?: boolean;
}

export class Reconciler {
  private state: TDeviceState = EMPTY_STATE;
  private pending: TDesiredPayload | undefined;
  /** the install under way: cancelled when a newer revision wants another target */
  private installing: { target: string; controller: AbortController } | undefined;
  private running: Promise<void> | undefined;
  /** replaced models waiting for their in-flight inferences before they are disposed */
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly deps: TReconcilerDeps) {}

  get current(): TDeviceState {
    return this.state;
  }

  /**
   * Loads the last active variant from disk (before any network): a device that restarts offline
   * keeps running its model. Nothing stored runs unverified: its manifest must still be the installed
   * one and carry the console's signature, and the runtime hashes every file before it loads it. When
   * the active variant fails, the previous one runs if it verifies, else none; see refusedAtBoot.
   */
  async boot(): Promise<void> {
    this.state = await this.deps.stateFile.read();
    const refused: TBootFailure[] = [];
    for (const candidate of [this.state.active, this.state.previous]) {
      if (!candidate) continue;
      const dir = this.deps.cache.dirOf(candidate.dir);
      let model;
      try {
        await this.deps.cache.verifyStored(candidate);
        model = await this.deps.pool.acquire(dir);
      } catch (error) {
        refused.push({ variant: candidate, failure: describeFailure(error) });
        continue;
      }
      this.deps.logger.info(
        {
          variantId: candidate.id,
          engine: model.engine,
          runsOn: model.describe(),
          loadMs: Math.round(model.loadMs),
        },
        "model loaded",
      );
      this.deps.slot.swap({ variant: candidate, model });
      if (candidate !== this.state.active) {
        this.state = { ...this.state, active: candidate, previous: null };
        await this.deps.stateFile.write(this.state);
      }
      this.deps.logger.info({ variantId: candidate.id }, "booted with the last active variant");
      break;
    }
    if (refused.length > 0) await this.refusedAtBoot(refused);
  }

  /**
   * Stored variants that did not verify or load at boot: logged and reported (`rolled_back` when the
   * previous one runs instead, else `failed`, with the first refusal's code). One whose files or
   * manifest changed on disk is deleted, so that nothing trusts that copy again. The last revision
   * is forgotten (lastRev - 1), so that the console's retained desired state is applied again once
   * connected: the variant is verified again against the signature it carries (or downloaded afresh).
   */
  private async refusedAtBoot(refused: readonly TBootFailure[]): Promise<void> {
    for (const { variant, failure } of refused) {
      this.deps.logger.error(
        { variantId: variant.id, code: failure.code, error: failure.message },
        "stored variant refused at boot",
      );
      // (one without a recorded signature is kept: the console's desired state can still vouch for it)
      const tampered = TAMPERED.has(failure.code) && variant.signature !== undefined;
      if (tampered && this.deps.cleanCache !== false) await this.deps.cache.remove(variant.dir);
    }
    // What runs now (the previous variant, or none) is all that is left: the refused are not kept.
    const running = this.deps.slot.active?.variant ?? null;
    const rev = this.state.lastRev;
    this.state = { v: 1, lastRev: Math.max(-1, rev - 1), active: running, previous: null };
    await this.deps.stateFile.write(this.state);
    const [first] = refused;
    if (!first) return;
    const others = refused.slice(1).map((r) => `; ${r.variant.id}: ${r.failure.message}`);
    this.reportState(Math.max(0, rev), running ? "rolled_back" : "failed", first.variant.id, {
      code: first.failure.code,
      message: `stored variant ${first.variant.id} refused at boot: ${first.failure.message}${others.join("")}`,
    });
  }

  /** Takes a raw `desired` payload; never throws (bad input is reported). */
  onDesired(payload: Buffer): void {
    const decoded = decodePayload("desired", payload);
    if (!decoded.ok) {
      if (decoded.error.code === "empty") return; // retained desired cleared: nothing to do
      const code = decoded.error.code === "too_large" ? "too_large" : "bad_desired";
      this.deps.logger.warn({ code, error: decoded.error.message }, "desired payload refused");
      this.reportState(Math.max(0, this.state.lastRev), "failed", null, {
        code,
        message: `desired refused: ${decoded.error.message}`,
      });
      return;
    }
    const desired = decoded.value;
    const newest = Math.max(this.state.lastRev, this.pending?.rev ?? -1);
    if (desired.rev <= newest) {
      this.deps.logger.debug({ rev: desired.rev, lastRev: newest }, "desired revision ignored (not newer)");
      return;
    }
    this.pending = desired;
    this.supersede(desired);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /**
   * A newer revision for another target makes the download under way pointless: it is cancelled
   * (its request cut, its partial files removed) and its revision reported as superseded. One for
   * the same target lets it finish and then finds it installed.
   */
  private supersede(desired: TDesiredPayload): void {
    const installing = this.installing;
    if (!installing || installing.target === (desired.variant ? variantDirName(desired.variant) : null)) return;
    installing.controller.abort(
      new AgentError(
        "superseded",
        `superseded by rev ${desired.rev} (${desired.variant?.id ?? "no variant"}) before it was installed; its download was cancelled`,
      ),
    );
  }

  /** Resolves when every received revision has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.retiring.size > 0) {
      await this.running;
      await Promise.all(this.retiring);
    }
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const desired = this.pending;
      this.pending = undefined;
      try {
        await this.apply(desired);
      } catch (error) {
        // apply reports its own failures; this only guards the loop.
        this.deps.logger.error({ rev: desired.rev, err: error }, "desired revision could not be handled");
      }
    }
  }

  private activeId(): string | null {
    return this.deps.slot.active?.variant.id ?? null;
  }

  private reportState(
    rev: number,
    state: TReportedState,
    targetVariantId: string | null,
    error?: { code: TAgentErrorCode; message: string },
    progress?: number,
  ): void {
    const report: TReport = { rev, state, activeVariantId: this.activeId(), targetVariantId };
    if (error) report.error = error;
    if (progress !== undefined) report.progress = progress;
    this.deps.report(report);
  }

  private async saveRev(rev: number): Promise<void> {
    this.state = { ...this.state, lastRev: rev };
    await this.deps.stateFile.write(this.state);
  }

  private async apply(desired: TDesiredPayload): Promise<void> {
    const { rev, variant } = desired;
    const log = this.deps.logger.child({ rev, variantId: variant?.id ?? null });
    if (variant === null) {
      await this.swapTo(undefined, rev);
      this.reportState(rev, "active", null);
      log.info("desired: no variant; model stopped");
      return;
    }
    const active = this.state.active;
    if (active && active.id === variant.id && active.manifestSha256 === variant.sha256 && this.deps.slot.active) {
      await this.saveRev(rev);
      this.reportState(rev, "active", variant.id);
      return;
    }

    let installed;
    let lastStep = -1;
    const controller = new AbortController();
    this.installing = { target: variantDirName(variant), controller };
    try {
      this.reportState(rev, "downloading", variant.id, undefined, 0);
      installed = await this.deps.cache.install(
        variant,
        ({ phase, progress }) => {
          const step = phase === "verifying" ? 11 : Math.floor(progress * 10);
          if (step <= lastStep) return;
          lastStep = step;
          this.reportState(rev, phase === "verifying" ? "verifying" : "downloading", variant.id, undefined, progress);
        },
        controller.signal,
      );
      // superseded just as it finished: the newer revision runs next, this one is not activated
      controller.signal.throwIfAborted();
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.code === "superseded") log.info(failure, "download cancelled: a newer revision arrived");
      else log.warn(failure, "variant refused");
      await this.saveRev(rev);
      this.reportState(rev, "failed", variant.id, failure);
      return;
    } finally {
      this.installing = undefined;
    }

    this.reportState(rev, "activating", variant.id);
    const candidate: TInstalledVariant = {
      id: variant.id,
      precision: variant.precision,
      engine: variant.engine,
      manifestSha256: variant.sha256,
      signature: variant.signature,
      dir: installed.dirName,
    };
    let model;
    try {
      model = await this.deps.pool.acquire(installed.dir);
    } catch (error) {
      const failure = describeFailure(error);
      log.warn(failure, "new variant failed to activate; keeping the current one");
      const keep = new Set([this.state.active?.dir, this.state.previous?.dir]);
      if (!keep.has(installed.dirName) && this.deps.cleanCache !== false)
        await this.deps.cache.remove(installed.dirName);
      await this.saveRev(rev);
      this.reportState(rev, this.deps.slot.active ? "rolled_back" : "failed", variant.id, failure);
      return;
    }
    try {
      await this.swapTo({ variant: candidate, model }, rev);
    } catch (error) {
      const failure = describeFailure(error);
      log.error(failure, "swap failed; keeping the current variant");
      this.reportState(rev, this.deps.slot.active ? "rolled_back" : "failed", variant.id, failure);
      return;
    }
    this.reportState(rev, "active", variant.id);
    log.info(
      {
        manifestSha256: variant.sha256,
        engine: model.engine,
        runsOn: model.describe(),
        loadMs: Math.round(model.loadMs),
      },
      "variant active",
    );
  }

  /**
   * Releases a replaced model once the inferences started on it have finished: disposing it under a
   * running ONNX Runtime session would fail them. Always one release per acquire: the pool keeps a
   * model another holder (a simulated device) still uses.
   */
  private retire(replaced: TActiveModel): void {
    const dir = this.deps.cache.dirOf(replaced.variant.dir);
    const done: Promise<void> = this.deps.slot
      .drained(replaced.model)
      .then(() => this.deps.pool.release(dir))
      .catch((error: unknown) =>
        this.deps.logger.warn({ variantId: replaced.variant.id, err: error }, "replaced model not disposed cleanly"),
      )
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  /** The atomic swap: state.json first (what a restart boots), then the in-memory model. */
  private async swapTo(next: Parameters<ActiveModelSlot["swap"]>[0], rev: number): Promise<void> {
    const before = this.state.active;
    const nextVariant = next?.variant ?? null;
    const previous = before && before.dir !== nextVariant?.dir ? before : this.state.previous;
    this.state = { v: 1, lastRev: rev, active: nextVariant, previous: nextVariant === null ? before : previous };
    try {
      await this.deps.stateFile.write(this.state);
    } catch (error) {
      if (next) await this.deps.pool.release(this.deps.cache.dirOf(next.variant.dir)).catch(() => {});
      throw new AgentError("storage_failed", `state.json could not be written: ${(error as Error).message}`);
    }
    const replaced = this.deps.slot.swap(next);
    if (replaced) this.retire(replaced);
    if (this.deps.cleanCache === false) return;
    const keep = new Set(
      [this.state.active?.dir, this.state.previous?.dir].filter((d): d is string => d !== undefined),
    );
    const removed = await this.deps.cache.clean(keep);
    if (removed.length > 0) this.deps.logger.info({ removed }, "old variants removed");
  }
}

export function reportedPayload(report: TReport, ts = Date.now()): TReportedPayload {
  return { v: SCHEMA_VERSION, ts, ...report };
}
