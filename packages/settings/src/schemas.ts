// Schemas of raw values that several bins share, so a boolean reads the same everywhere.
import { z } from "zod";

/** true/false/1/0 in any case: what a boolean flag (`--ingest=false`) or variable (`INGEST_ENABLED=0`) holds. */
export const ZBooleanString = z
  .string()
  .transform((raw) => raw.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0"], { error: "must be true, false, 1 or 0" }))
  .transform((raw) => raw === "true" || raw === "1");
