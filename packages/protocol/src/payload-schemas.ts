// Which schema validates which channel.
import type { z } from "zod";
import type { TPayloadChannel } from "./channels.ts";
import { ZDesiredPayload, type TDesiredPayload } from "./schemas/desired.ts";
import { ZEventsPayload, type TEventsPayload } from "./schemas/events.ts";
import { ZReportedPayload, type TReportedPayload } from "./schemas/reported.ts";
import { ZStatusPayload, type TStatusPayload } from "./schemas/status.ts";
import { ZTelemetryPayload, type TTelemetryPayload } from "./schemas/telemetry.ts";

export interface TPayloadByChannel {
  status: TStatusPayload;
  telemetry: TTelemetryPayload;
  desired: TDesiredPayload;
  reported: TReportedPayload;
  events: TEventsPayload;
}

export const PAYLOAD_SCHEMAS = {
  status: ZStatusPayload,
  telemetry: ZTelemetryPayload,
  desired: ZDesiredPayload,
  reported: ZReportedPayload,
  events: ZEventsPayload,
} as const satisfies { [C in TPayloadChannel]: z.ZodType<TPayloadByChannel[C]> };
