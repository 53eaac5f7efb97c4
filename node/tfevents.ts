/**
 * TensorBoard event files (`events.out.tfevents.*`), so training metrics open in TensorBoard
 * next to CleanRL's runs (same tags). The format is TFRecord framing around `tensorflow.Event`
 * protocol buffers:
 *
 *   record = uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)
 *   Event  = wall_time (1: double) | step (2: int64) | file_version (3: string) | summary (5: Summary)
 *   Summary.Value = tag (1: string) | simple_value (2: float)
 *
 * (tensorflow/core/util/event.proto, summary.proto; little-endian throughout.) Only scalar
 * summaries are written, which is all the metrics are, so the few protobuf fields are encoded
 * here rather than with a protobuf library.
 */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const CASTAGNOLI = 0x82f63b78; // CRC-32C polynomial, reflected
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli) of `bytes`. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotated and offset, so a CRC of data holding CRCs is not degenerate. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** A growing protobuf message. */
class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  /** A fixed-width field (wire type 1: 8 bytes, 5: 4 bytes), its little-endian bytes written by `write`. */
  private fixed(field: number, wireType: 1 | 5, write: (view: DataView) => void): this {
    this.key(field, wireType);
    const view = new DataView(new ArrayBuffer(wireType === 1 ? 8 : 4));
    write(view);
    this.bytes.push(...new Uint8Array(view.buffer));
    return this;
  }

  double(field: number, value: number): this {
    return this.fixed(field, 1, (view) => view.setFloat64(0, value, true));
  }

  float(field: number, value: number): this {
    return this.fixed(field, 5, (view) => view.setFloat32(0, value, true));
  }

  int64(field: number, value: number): this {
    this.key(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(BigInt(value.length));
    this.bytes.push(...value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** The Event that opens every event file. */
function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, 'brain.Event:2').finish();
}

/** An Event holding one scalar summary value per entry of `scalars` at `step`. */
export function scalarsEvent(wallTime: number, step: number, scalars: Readonly<Record<string, number>>): Uint8Array {
  const summary = new ProtoWriter();
  for (const [tag, value] of Object.entries(scalars)) summary.bytesField(1, new ProtoWriter().string(1, tag).float(2, value).finish());
  return new ProtoWriter().double(1, wallTime).int64(2, step).bytesField(5, summary.finish()).finish();
}

/** `data` framed as one TFRecord. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Writers made by this process (their file names' last part). */
let writersMade = 0;

/**
 * Appends scalar events to a new event file in `dir` (named as TensorFlow's writers name them,
 * which TensorBoard requires). Each `add` is written through at once, so TensorBoard follows a
 * run live and a crash loses nothing written.
 */
export class EventFileWriter {
  /** The file's path. */
  readonly path: string;
  private fd: number | undefined;

  constructor(dir: string, now = Date.now()) {
    // as TensorFlow 2's writers: a per-process sequence number keeps two writers in one second apart
    this.path = join(dir, `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}.${process.pid}.${++writersMade}`);
    this.fd = openSync(this.path, 'wx');
    this.write(fileVersionEvent(now / 1000));
  }

  /** One event with `scalars` at `step` (wall time: now). */
  add(step: number, scalars: Readonly<Record<string, number>>, wallTime = Date.now() / 1000): void {
    this.write(scalarsEvent(wallTime, step, scalars));
  }

  /** Flushes to disk and closes the file (idempotent). */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and deletes the file (a run that is discarded leaves no events behind). */
  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }

  private write(event: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`EventFileWriter: ${this.path} is closed`);
    writeSync(this.fd, tfRecord(event));
  }
}
