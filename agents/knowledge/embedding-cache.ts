import fs from "node:fs";
import path from "node:path";

/** What a cache file holds: which embedder made its vectors, and each vector by content hash, as base64 Float32. */
interface CacheFile {
  embedder: string;
  vectors: Record<string, string>;
}

const encode = (vector: Float32Array): string => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
const decode = (text: string): Float32Array => {
  const bytes = Buffer.from(text, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/**
 * Vectors on disk, one file per embedder (`<dir>/<embedder>.json`), keyed by the content hash of
 * the text embedded: a passage that did not change is never embedded again, whichever pack or
 * process asks. Written whole to a temporary file and renamed, so a reader never sees half a file;
 * what another process saved meanwhile is kept.
 */
export class EmbeddingCache {
  private readonly file: string;
  private readonly vectors = new Map<string, Float32Array>();
  private dirty = false;

  constructor(
    dir: string,
    private readonly embedder: string,
  ) {
    this.file = path.join(dir, `${embedder.replace(/[^A-Za-z0-9._-]+/g, "_")}.json`);
    this.read();
  }

  private read(): void {
    let parsed: CacheFile;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, "utf8")) as CacheFile;
    } catch {
      return; // No cache yet, or an unreadable one: the vectors are made again.
    }
    if (parsed.embedder !== this.embedder || typeof parsed.vectors !== "object") return;
    for (const [hash, text] of Object.entries(parsed.vectors)) if (!this.vectors.has(hash)) this.vectors.set(hash, decode(text));
  }

  get(hash: string): Float32Array | undefined {
    return this.vectors.get(hash);
  }

  set(hash: string, vector: Float32Array): void {
    this.vectors.set(hash, vector);
    this.dirty = true;
  }

  get size(): number {
    return this.vectors.size;
  }

  /** Writes the cache when something was added. */
  save(): void {
    if (!this.dirty) return;
    this.read();
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const body: CacheFile = {
      embedder: this.embedder,
      vectors: Object.fromEntries([...this.vectors].map(([hash, vector]) => [hash, encode(vector)])),
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(body));
    fs.renameSync(temporary, this.file);
    this.dirty = false;
  }
}
