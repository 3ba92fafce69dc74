// Content-addressed artifact store: every file is stored once, under the sha256 of its bytes.
// `TArtifactStore` is the whole contract; `FsArtifactStore` keeps blobs in FLEET_DATA_DIR/artifacts,
// and an S3-compatible store can implement the same five methods (GetObject with Range for read).
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export const ARTIFACTS_DIR = "artifacts";
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface TBlobInfo {
  sha256: string;
  bytes: number;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface TByteRange {
  start: number;
  end: number;
}

export interface TArtifactStore {
  /** Streams `source` into the store; returns its sha256 and size. Storing the same bytes twice is a no-op. */
  put(source: Readable | Uint8Array): Promise<TBlobInfo>;
  /** Size of a stored blob, or null when absent. */
  stat(sha256: string): Promise<TBlobInfo | null>;
  /** A stream of the blob's bytes (or of `range`); never buffers the blob. Throws when absent. */
  open(sha256: string, range?: TByteRange): Promise<Readable>;
  /** The whole blob in memory: only for small ones (manifests). */
  read(sha256: string): Promise<Buffer>;
  /** Removes a blob (garbage collection of blobs no variant refers to). */
  remove(sha256: string): Promise<void>;
}

export class ArtifactNotFoundError extends Error {
  override readonly name = "ArtifactNotFoundError";
}

function assertSha(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new ArtifactNotFoundError(`not a sha256: ${JSON.stringify(sha256)}`);
}

export class FsArtifactStore implements TArtifactStore {
  readonly root: string;

  /** `root` is FLEET_DATA_DIR/artifacts. */
  constructor(root: string) {
    this.root = root;
  }

  static forDataDir(dataDir: string): FsArtifactStore {
    return new FsArtifactStore(path.join(dataDir, ARTIFACTS_DIR));
  }

  /** sha256/ab/cd/abcd…: two levels of fan-out keep directories small at millions of blobs. */
  pathOf(sha256: string): string {
    assertSha(sha256);
    return path.join(this.root, "sha256", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(source: Readable | Uint8Array): Promise<TBlobInfo> {
    const tmpDir = path.join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const temp = path.join(tmpDir, `${process.pid}-${randomBytes(6).toString("hex")}`);
    const hash = createHash("sha256");
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const input =
      source instanceof Uint8Array
        ? Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)])
        : source;
    try {
      await pipeline(input, count, createWriteStream(temp, { mode: 0o644 }));
      const sha256 = hash.digest("hex");
      const target = this.pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      // Same content, same name: a concurrent or earlier writer's copy is as good as ours.
      await rename(temp, target);
      return { sha256, bytes };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async stat(sha256: string): Promise<TBlobInfo | null> {
    try {
      const info = await stat(this.pathOf(sha256));
      return info.isFile() ? { sha256, bytes: info.size } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || error instanceof ArtifactNotFoundError) return null;
      throw error;
    }
  }

  async open(sha256: string, range?: TByteRange): Promise<Readable> {
    const file = this.pathOf(sha256);
    const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
    // Surface "absent" now rather than as a stream error after headers went out.
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "ENOENT" ? new ArtifactNotFoundError(`blob ${sha256} is not in the artifact store`) : error,
        ),
      );
    });
    return stream;
  }

  async read(sha256: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new ArtifactNotFoundError(`blob ${sha256} is not in the artifact store`);
      throw error;
    }
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}

/** The store of this console (one per data directory). */
export function getArtifactStore(dataDir: string): TArtifactStore {
  return FsArtifactStore.forDataDir(dataDir);
}
