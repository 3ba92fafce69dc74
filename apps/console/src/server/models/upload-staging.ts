// Model uploads are staged on disk, one directory per upload, before they are validated:
// FLEET_DATA_DIR/uploads/<uploadId>/{owner.json, model/…, calib/x.npy, val/{x,y}.npy}.
// Bytes arrive as raw request bodies (one PUT per file, streamed to disk with a size limit), so
// a 1 GB model never sits in memory and the browser can show real upload progress.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";

export const UPLOADS_DIR = "uploads";
export const UPLOAD_SLOTS = ["model", "calib", "val"] as const;
export type TUploadSlot = (typeof UPLOAD_SLOTS)[number];

export const ZUploadId = z.string().regex(/^[0-9a-f]{32}$/, "invalid upload id");
/** One plain file name: no directories, no `..`, nothing a shell or a file system could misread. */
export const ZUploadFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, "File names may hold letters, digits, space and ._- only.")
  .refine((name) => !name.includes(".."), "File names may not contain '..'.");

/** Why a staged file was refused; `status` is the HTTP status the route answers with. */
export class UploadError extends Error {
  override readonly name = "UploadError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const ZOwner = z.object({ userId: z.string(), createdAt: z.number() });

export function uploadDir(dataDir: string, uploadId: string): string {
  return path.join(dataDir, UPLOADS_DIR, ZUploadId.parse(uploadId));
}

/** Starts an upload owned by `userId`; returns its id. */
export async function beginUpload(options: { dataDir: string; userId: string }): Promise<{ uploadId: string }> {
  const uploadId = randomBytes(16).toString("hex");
  const dir = uploadDir(options.dataDir, uploadId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(dir, "owner.json"), JSON.stringify({ userId: options.userId, createdAt: Date.now() }));
  return { uploadId };
}

/** The upload's directory, if it exists and belongs to `userId`. */
export async function openUpload(options: { dataDir: string; uploadId: string; userId: string }): Promise<string> {
  const id = ZUploadId.safeParse(options.uploadId);
  if (!id.success) throw new UploadError(404, "This upload does not exist (or has expired); start again.");
  const dir = uploadDir(options.dataDir, id.data);
  let owner: z.infer<typeof ZOwner>;
  try {
    owner = ZOwner.parse(JSON.parse(await readFile(path.join(dir, "owner.json"), "utf8")));
  } catch {
    throw new UploadError(404, "This upload does not exist (or has expired); start again.");
  }
  if (owner.userId !== options.userId) throw new UploadError(403, "This upload belongs to another operator.");
  return dir;
}

/** Bytes already staged in this upload (all slots). */
async function stagedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const slot of UPLOAD_SLOTS) {
    const entries = await readdir(path.join(/* turbopackIgnore: true */ dir, slot), { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries)
      if (entry.isFile()) total += (await stat(path.join(/* turbopackIgnore: true */ dir, slot, entry.name))).size;
  }
  return total;
}

function tooLarge(maxBytes: number): UploadError {
  return new UploadError(
    413,
    `The upload is larger than the limit of ${Math.round(maxBytes / 1024 / 1024)} MB (CONSOLE_UPLOAD_MAX_MB); nothing was stored.`,
  );
}

/**
 * Streams one file of an upload to disk. Refuses, before reading, a declared Content-Length over
 * the limit; counts while streaming (a body may lie or be chunked) and stops at the limit. A
 * refused or broken transfer leaves no file behind.
 */
export async function receiveUploadFile(options: {
  dataDir: string;
  uploadId: string;
  userId: string;
  slot: string;
  name: string;
  body: ReadableStream<Uint8Array> | Readable | null;
  contentLength: number | null;
  maxBytes: number;
}): Promise<{ bytes: number }> {
  const slot = z.enum(UPLOAD_SLOTS).safeParse(options.slot);
  if (!slot.success) throw new UploadError(400, `Unknown upload part "${options.slot}"; expected model, calib or val.`);
  const name = ZUploadFileName.safeParse(options.name);
  if (!name.success)
    throw new UploadError(400, `"${options.name}": ${name.error.issues[0]?.message ?? "invalid file name"}`);
  const dir = await openUpload(options);
  const already = await stagedBytes(dir);
  const room = options.maxBytes - already;
  if (options.contentLength !== null && options.contentLength > room) throw tooLarge(options.maxBytes);
  if (!options.body) throw new UploadError(400, `"${name.data}" arrived without content.`);
  await mkdir(path.join(dir, slot.data), { recursive: true });
  const target = path.join(dir, slot.data, name.data);
  const partial = `${target}.part`;
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > room) return done(tooLarge(options.maxBytes));
      done(null, chunk);
    },
  });
  const source =
    options.body instanceof Readable
      ? options.body
      : Readable.fromWeb(options.body as import("node:stream/web").ReadableStream);
  try {
    await pipeline(source, limit, createWriteStream(partial, { mode: 0o600 }));
    if (options.contentLength !== null && received !== options.contentLength) {
      throw new UploadError(
        400,
        `"${name.data}" was cut off after ${received} of ${options.contentLength} bytes; upload it again.`,
      );
    }
    await rename(partial, target);
    return { bytes: received };
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof UploadError) throw error;
    throw new UploadError(400, `"${name.data}" could not be received (${(error as Error).message}); upload it again.`);
  }
}

/** Drops an upload and everything staged in it. */
export async function discardUpload(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Removes uploads older than `maxAgeMs` (abandoned in the browser); returns how many. */
export async function sweepUploads(dataDir: string, maxAgeMs = 24 * 3600_000, now = Date.now()): Promise<number> {
  const root = path.join(dataDir, UPLOADS_DIR);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    const info = await stat(dir).catch(() => null);
    if (info && now - info.mtimeMs > maxAgeMs) {
      await rm(dir, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
