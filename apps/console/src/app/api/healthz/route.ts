import { connection } from "next/server";
import { getConsoleConfig } from "../../../config.ts";
import { healthzResponse } from "../../../server/http/healthz-response.ts";

export async function GET(): Promise<Response> {
  // Answer per request, never from a build-time snapshot.
  await connection();
  return healthzResponse(getConsoleConfig());
}
