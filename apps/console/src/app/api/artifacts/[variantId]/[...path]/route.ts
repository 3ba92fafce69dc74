import { getConsoleConfig } from "../../../../../config.ts";
import { getArtifactStore } from "../../../../../server/artifacts/artifact-store.ts";
import { getUrlSigningKey } from "../../../../../server/artifacts/keys.ts";
import { getConsoleDb } from "../../../../../server/db.ts";
import { artifactResponse } from "../../../../../server/http/artifact-response.ts";

type TContext = { params: Promise<{ variantId: string; path: string[] }> };

async function handler(request: Request, context: TContext): Promise<Response> {
  const config = getConsoleConfig();
  const db = await getConsoleDb(config);
  return artifactResponse(request, await context.params, {
    prisma: db.prisma,
    store: getArtifactStore(config.dataDir),
    urlKey: await getUrlSigningKey(config.dataDir),
  });
}

export { handler as GET, handler as HEAD };
