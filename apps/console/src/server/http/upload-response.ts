// PUT /api/uploads/<uploadId>/<slot>/<name>: one file of a model upload, streamed to disk.
// Signed-in operators only, CSRF-checked like every mutation; answers JSON with a message that is
// safe to show (never a stack).
import type { UserRole } from "@fleet/db";
import type { TConsoleConfig } from "../../config.ts";
import { roleAtLeast } from "../auth/roles.ts";
import { readSessionToken } from "../auth/session-cookie.ts";
import { getConsoleDb } from "../db.ts";
import { findActiveSession } from "../domain/session/find-active-session.ts";
import { describeError, serverLogger } from "../log.ts";
import { receiveUploadFile, UploadError } from "../models/upload-staging.ts";
import { csrfProblem } from "./csrf.ts";

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });

/** The signed-in user of a plain HTTP request (route handlers outside tRPC), or an error response. */
export async function requestUser(
  request: Request,
  minimumRole: UserRole,
): Promise<{ id: string; email: string } | Response> {
  const token = readSessionToken(request.headers.get("cookie"));
  if (!token) return json(401, { error: "Sign in to continue." });
  const db = await getConsoleDb();
  const session = await findActiveSession({ prisma: db.prisma, token });
  if (!session) return json(401, { error: "Your session has ended; sign in again." });
  if (!roleAtLeast(session.user.role, minimumRole))
    return json(403, { error: "A viewer may not change anything; ask an operator." });
  return session.user;
}

export async function uploadFileResponse(
  request: Request,
  params: { uploadId: string; slot: string; name: string },
  config: Pick<TConsoleConfig, "dataDir" | "uploadMaxMb" | "publicUrl">,
): Promise<Response> {
  const problem = csrfProblem(request, { publicUrl: config.publicUrl });
  if (problem) return json(403, { error: problem });
  const user = await requestUser(request, "OPERATOR");
  if (user instanceof Response) return user;
  const declared = request.headers.get("content-length");
  try {
    const { bytes } = await receiveUploadFile({
      dataDir: config.dataDir,
      uploadId: params.uploadId,
      userId: user.id,
      slot: params.slot,
      name: decodeURIComponent(params.name),
      body: request.body,
      contentLength: declared !== null && /^\d+$/.test(declared) ? Number(declared) : null,
      maxBytes: config.uploadMaxMb * 1024 * 1024,
    });
    return json(200, { bytes });
  } catch (error) {
    if (error instanceof UploadError) return json(error.status, { error: error.message });
    serverLogger("uploads").error({ problem: describeError(error) }, "upload failed");
    return json(500, { error: "The upload failed on the server; try again." });
  }
}
