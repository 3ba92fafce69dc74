// GET|HEAD /api/artifacts/<variantId>/<file…>?exp=…&sig=…: a variant's files for agents.
// Signed URL checked first (403), then the variant and file (404); single byte ranges (206 / 416),
// streamed from the artifact store, never buffered. If-Range is not supported (a changed file
// cannot happen: files are content-addressed and a variant's manifest pins them).
import { Readable } from "node:stream";
import type { PrismaClient } from "@fleet/db";
import type { TArtifactStore, TByteRange } from "../artifacts/artifact-store.ts";
import { verifyArtifactToken } from "../artifacts/signed-url.ts";
import { resolveVariantFile } from "../artifacts/variant-artifacts.ts";

const SEGMENT = /^[A-Za-z0-9._-]+$/;

export type TRangeRequest = { kind: "full" } | { kind: "range"; range: TByteRange } | { kind: "unsatisfiable" };

/**
 * One `bytes=` range against a file of `size` bytes. Absent, malformed, multi-range or non-byte
 * headers are ignored (the whole file is served), as RFC 9110 allows.
 */
export function parseRange(header: string | null, size: number): TRangeRequest {
  if (!header) return { kind: "full" };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: "full" };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "" && last === "") return { kind: "full" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return { kind: "full" }; // syntactically invalid: ignore
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "range", range: { start, end } };
}

const refuse = (status: number, error: string, headers: Record<string, string> = {}) =>
  Response.json({ error }, { status, headers: { "cache-control": "no-store", ...headers } });

export async function artifactResponse(
  request: Request,
  params: { variantId: string; path: string[] },
  deps: { prisma: PrismaClient; store: TArtifactStore; urlKey: Buffer; nowSeconds?: number },
): Promise<Response> {
  const url = new URL(request.url);
  const verdict = verifyArtifactToken({
    key: deps.urlKey,
    variantId: params.variantId,
    exp: url.searchParams.get("exp"),
    sig: url.searchParams.get("sig"),
    nowSeconds: deps.nowSeconds ?? Math.floor(Date.now() / 1000),
  });
  if (verdict === "expired")
    return refuse(403, "This download link has expired; the console sends a new one with the next desired state.");
  if (verdict !== "ok") return refuse(403, "This download link is not valid.");
  if (
    params.path.length === 0 ||
    params.path.some((segment) => !SEGMENT.test(segment) || segment === "." || segment === "..")
  ) {
    return refuse(404, "No such file in this variant.");
  }
  const variant = await deps.prisma.modelVariant.findUnique({
    where: { id: params.variantId },
    select: { artifactKey: true },
  });
  if (!variant) return refuse(404, "No such variant.");
  const file = await resolveVariantFile(deps.store, variant.artifactKey, params.path.join("/"));
  if (!file) return refuse(404, "No such file in this variant.");

  const headers: Record<string, string> = {
    "accept-ranges": "bytes",
    "content-type": file.contentType,
    etag: `"${file.sha256}"`,
    "cache-control": "private, no-transform",
  };
  const wanted = parseRange(request.headers.get("range"), file.bytes);
  if (wanted.kind === "unsatisfiable")
    return refuse(416, "Requested range not satisfiable.", { "content-range": `bytes */${file.bytes}` });
  const range = wanted.kind === "range" ? wanted.range : null;
  const length = range ? range.end - range.start + 1 : file.bytes;
  headers["content-length"] = String(length);
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${file.bytes}`;
  const status = range ? 206 : 200;
  if (request.method === "HEAD" || length === 0) return new Response(null, { status, headers });
  const stream = await deps.store.open(file.sha256, range ?? undefined);
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
}
