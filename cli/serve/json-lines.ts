/**
 * The lines of `bdt-gym serve`'s input: split at "\n" alone (a "\r" before it dropped, for CRLF).
 * Node's readline also splits at a lone "\r", U+2028 and U+2029, which JSON allows raw inside a
 * string (serde_json, Jackson and Python's `ensure_ascii=False` write them so): one request read
 * as two would be answered twice, and every later answer would go to the wrong request.
 * A byte order mark is dropped where an editor or a Windows tool writes one, at the start of the
 * input; on a later line it is part of the line, which JSON then refuses.
 */
import { withoutByteOrderMark } from '../../node/byte-order-mark.ts';

/**
 * Whether `line` holds nothing but JSON's whitespace (space, tab, CR; LF ends it): the lines
 * skipped. String.trim() would also skip a line of no-break spaces, which no JSON reader takes.
 */
export function isBlankLine(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

/**
 * The most bytes a line may hold before its "\n": far above the largest request the shipped
 * scenarios need (under 1 MiB: a step of 1024 BDT-large-v0 envs, or a trace of its 200 slots),
 * far below what a server holds in memory (a 700 MB line took 2.2 GB and ended it).
 */
export const MAX_LINE_BYTES = 64 * 2 ** 20;

/** Stands for a line longer than the limit, which is not read: its bytes are dropped as they come, to its "\n". */
export const LINE_TOO_LONG: unique symbol = Symbol('line too long');

/**
 * Each line of `input` (UTF-8; invalid bytes read as U+FFFD), the last one also without a final
 * "\n"; a line of more than `maxLineBytes` bytes as LINE_TOO_LONG, yielded once the limit is passed.
 */
export async function* jsonLines(input: AsyncIterable<Uint8Array | string>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<string | typeof LINE_TOO_LONG> {
  // each line is decoded alone: a decoder dropping a leading BOM would drop it from every line
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  const line = (): string => {
    const decoded = decoder.decode(pending.length === 1 ? pending[0] : Buffer.concat(pending));
    const text = first ? withoutByteOrderMark(decoded) : decoded;
    first = false;
    pending = [];
    pendingBytes = 0;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let start = 0; start < bytes.length; ) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline;
      if (!tooLong) {
        pendingBytes += end - start;
        if (pendingBytes > maxLineBytes) {
          pending = [];
          pendingBytes = 0;
          tooLong = true;
          first = false;
          yield LINE_TOO_LONG;
        } else {
          pending.push(bytes.subarray(start, end));
        }
      }
      if (newline === -1) break;
      if (tooLong) tooLong = false;
      else yield line();
      start = newline + 1;
    }
  }
  if (pending.length > 0) yield line();
}
