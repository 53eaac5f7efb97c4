/**
 * Reading a whole file with a cap on its size, as bdt-gym reads the files users give it and those
 * it wrote itself (a run's summary.json, metrics.jsonl, best-eval.json): only a regular file or a
 * FIFO (a pipe, `<(...)`), the FIFO up to the cap. A device (/dev/zero) has no size to check and
 * was read until memory ran out.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

/** Why a file was not read: a device or socket, or past the cap. The message leaves the file to its reader to name. */
export class FileReadRefusal extends Error {
  override name = 'FileReadRefusal';
}

/** A FileReadRefusal for a file past the cap; `size` is its byte count, or `more than <cap>` for a FIFO. */
export class FileTooLarge extends FileReadRefusal {
  override name = 'FileTooLarge';
  readonly size: string;
  constructor(message: string, size: string) {
    super(message);
    this.size = size;
  }
}

/** `bytes` for messages: in MiB from 1 MiB. */
export function formatBytes(bytes: number): string {
  return bytes < 2 ** 20 ? `${bytes} bytes` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/**
 * The bytes of `file`, or a FileReadRefusal when it is not a regular file or FIFO or holds more
 * than `maxBytes` (a regular file is refused by its size before it is read); a system error
 * (ENOENT, EACCES, EISDIR for a directory) is thrown as it is.
 */
export function readFileCapped(file: string, maxBytes: number): Buffer {
  const tooLarge = (size: string) => new FileTooLarge(`the file is ${size} bytes, past the cap of ${maxBytes} (${formatBytes(maxBytes)}) on reading it`, size);
  const stats = statSync(file);
  if (!stats.isFile() && !stats.isFIFO() && !stats.isDirectory()) throw new FileReadRefusal('a device or socket, not a regular file');
  if (stats.size > maxBytes) throw tooLarge(String(stats.size));
  const bytes = stats.isFile() ? readFileSync(file) : readUpTo(file, maxBytes);
  if (bytes === undefined) throw tooLarge(`more than ${maxBytes}`);
  return bytes;
}

/** The bytes of FIFO `file`, or undefined when more than `maxBytes` come through it. */
function readUpTo(file: string, maxBytes: number): Buffer | undefined {
  const fd = openSync(file, 'r');
  try {
    return readFdUpTo(fd, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** What comes through open descriptor `fd` (a FIFO, stdin) up to its end, or undefined when more than `maxBytes` come. */
export function readFdUpTo(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(2 ** 20, maxBytes + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > maxBytes) return undefined;
  }
}
