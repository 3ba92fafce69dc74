"use client";

import type { ModelStatus } from "@fleet/db";

const TONE: Record<ModelStatus, string> = { UPLOADED: "warn", QUANTIZING: "warn", READY: "ok", FAILED: "bad" };
const LABEL: Record<ModelStatus, string> = {
  UPLOADED: "queued",
  QUANTIZING: "quantizing",
  READY: "ready",
  FAILED: "failed",
};

/** Status badge, with the job's progress while it runs. */
export function ModelStatusBadge({ status, progress }: { status: ModelStatus; progress: number }) {
  return (
    <span className="nowrap" data-testid="model-status" data-status={status}>
      <span className={`badge ${TONE[status]}`}>{LABEL[status]}</span>
      {status === "QUANTIZING" ? (
        <>
          {" "}
          <progress max={1} value={progress} style={{ verticalAlign: "middle", width: 90 }} />{" "}
          {Math.round(progress * 100)} %
        </>
      ) : null}
    </span>
  );
}

export const isSettled = (status: ModelStatus | undefined) => status === "READY" || status === "FAILED";
