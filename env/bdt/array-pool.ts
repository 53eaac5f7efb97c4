/**
 * Fresh typed arrays without a fresh buffer each. V8 gives every typed array above 64 bytes its
 * own off-heap ArrayBuffer, which costs about a microsecond to allocate and collect; the env
 * returns several such arrays per step. A pool carves them out of shared 64 KiB chunks instead,
 * so a new array costs one view. Each array is distinct and never handed out twice: no later
 * array overwrites a kept one (which pins its chunk, at most 64 KiB, until it is collected: a few
 * arrays kept sparsely pin a chunk each, docs/GYMNASIUM.md gives the cost and the remedy).
 *
 * But the arrays are views sharing their chunk's buffer, `.buffer` is the whole chunk:
 * transferring it (`postMessage(x, [x.buffer])`) detaches the chunk, which empties every array
 * carved from it, kept observations and infos included (the pool then starts a new chunk, so the
 * env goes on), and a structured clone of one array (`structuredClone`, `postMessage`) copies the
 * whole chunk. Copy an array (`slice()`) before transferring or sending it.
 */

/** Bytes per chunk. */
const CHUNK_BYTES = 64 * 1024;
/** Arrays above this many bytes get their own buffer. */
const LARGEST_POOLED = CHUNK_BYTES / 8;

/**
 * Hands out zeroed typed arrays carved from shared 64 KiB buffers (see the header of
 * env/bdt/array-pool.ts): each array is distinct, but the `.buffer` of one up to
 * LARGEST_POOLED bytes is the whole chunk, so `slice()` one before transferring it.
 */
export class ArrayPool {
  private chunk = new ArrayBuffer(CHUNK_BYTES);
  private offset = 0;

  /** A zeroed Float32Array of `length` elements. */
  float32(length: number): Float32Array {
    const bytes = 4 * length;
    if (bytes > LARGEST_POOLED) return new Float32Array(length);
    // reserve first: it may replace the chunk, and `new X(this.chunk, this.reserve(...))` would
    // read the old, full one before the call (arguments evaluate left to right)
    const at = this.reserve(bytes, 4);
    try {
      return new Float32Array(this.chunk, at, length);
    } catch (error) {
      return new Float32Array(this.replaceDetached(bytes, error), 0, length);
    }
  }

  /** A zeroed Float64Array of `length` elements. */
  float64(length: number): Float64Array {
    const bytes = 8 * length;
    if (bytes > LARGEST_POOLED) return new Float64Array(length);
    const at = this.reserve(bytes, 8);
    try {
      return new Float64Array(this.chunk, at, length);
    } catch (error) {
      return new Float64Array(this.replaceDetached(bytes, error), 0, length);
    }
  }

  /** A zeroed Int32Array of `length` elements. */
  int32(length: number): Int32Array {
    const bytes = 4 * length;
    if (bytes > LARGEST_POOLED) return new Int32Array(length);
    const at = this.reserve(bytes, 4);
    try {
      return new Int32Array(this.chunk, at, length);
    } catch (error) {
      return new Int32Array(this.replaceDetached(bytes, error), 0, length);
    }
  }

  /** A zeroed Uint8Array of `length` elements. */
  uint8(length: number): Uint8Array {
    if (length > LARGEST_POOLED) return new Uint8Array(length);
    const at = this.reserve(length, 1);
    try {
      return new Uint8Array(this.chunk, at, length);
    } catch (error) {
      return new Uint8Array(this.replaceDetached(length, error), 0, length);
    }
  }

  /**
   * Byte offset of `length` fresh zeroed float32s in {@link buffer} (read it after this call), for
   * several arrays carved from one reservation; -1 when that many are not pooled.
   */
  reserveFloat32(length: number): number {
    const bytes = 4 * length;
    if (bytes > LARGEST_POOLED) return -1;
    // the caller makes its views without a try: a chunk transferred away is replaced here (once per call)
    if (this.chunk.byteLength === 0) {
      this.newChunk(bytes);
      return 0;
    }
    return this.reserve(bytes, 4);
  }

  /** The chunk the last reservation was carved from. */
  get buffer(): ArrayBuffer {
    return this.chunk;
  }

  /** A new Float64Array holding a copy of `source`. */
  copy64(source: Float64Array): Float64Array {
    const out = this.float64(source.length);
    // a loop rather than set(): for the short arrays copied here the builtin's call costs more
    for (let i = 0; i < source.length; i++) out[i] = source[i]!;
    return out;
  }

  /** A new Int32Array holding a copy of `source`. */
  copy32(source: Int32Array): Int32Array {
    const out = this.int32(source.length);
    for (let i = 0; i < source.length; i++) out[i] = source[i]!;
    return out;
  }

  /**
   * A new chunk with its first `bytes` reserved, when a caller transferred the current one away
   * (detached: byteLength 0), which made the construction of a view on it throw `error`; else
   * `error` is rethrown. Checked on failure rather than at each reservation, where reading the
   * chunk's byteLength cost 4% of a step with infoLevel 'full' (about 40 arrays).
   */
  private replaceDetached(bytes: number, error: unknown): ArrayBuffer {
    if (this.chunk.byteLength !== 0) throw error;
    return this.newChunk(bytes);
  }

  /** A new chunk, now `this.chunk`, with its first `bytes` reserved. */
  private newChunk(bytes: number): ArrayBuffer {
    this.chunk = new ArrayBuffer(CHUNK_BYTES);
    this.offset = bytes;
    return this.chunk;
  }

  /** Byte offset of `bytes` fresh bytes aligned to `align` (a power of two) in `this.chunk` (a new chunk when full). */
  private reserve(bytes: number, align: number): number {
    let start = (this.offset + align - 1) & -align; // integer rounding up, no float division
    if (start + bytes > CHUNK_BYTES) {
      this.chunk = new ArrayBuffer(CHUNK_BYTES);
      start = 0;
    }
    this.offset = start + bytes;
    return start;
  }
}

