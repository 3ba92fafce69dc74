import { getConsoleConfig } from "../../../../../../config.ts";
import { uploadFileResponse } from "../../../../../../server/http/upload-response.ts";

export async function PUT(
  request: Request,
  context: { params: Promise<{ uploadId: string; slot: string; name: string }> },
): Promise<Response> {
  return uploadFileResponse(request, await context.params, getConsoleConfig());
}
