/**
 * JSON input files of the commands (`--scenario`, `--trace`, `--preset`, a checkpoint's run
 * files): read whole under a size cap, refused with one line naming the option, the file and why
 * (not UTF-8, UTF-16, not JSON, a key given twice, not an object).
 */
import { constants, isUtf8 } from 'node:buffer';
import { statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { FileReadRefusal, FileTooLarge, formatBytes, readFdUpTo, readFileCapped } from '../node/capped-read.ts';
import { withoutByteOrderMark } from '../node/byte-order-mark.ts';
import { isSymbolicLink, linkTarget } from '../node/link-target.ts';
import { duplicateKeyMessage, firstDuplicateKey } from './duplicate-json-keys.ts';
import { CliError } from './errors.ts';

/**
 * The most JSON a file may hold, in bytes: V8's longest string (2^29 - 24 characters, about
 * 512 MiB), which the file is read into whole and a saved trace is written from.
 */
export const MAX_JSON_BYTES = constants.MAX_STRING_LENGTH;

/**
 * The parsed JSON of `file`, or a CliError saying why not, naming it as `source file` (`source`:
 * the option, `--scenario`, or the command that takes the file); a file over `maxBytes` is refused
 * before it is read (reading it only to fail on V8's string limit took seconds and its size in memory).
 * Only a regular file or a FIFO (a pipe, `<(...)`) is read, the FIFO up to `maxBytes`: a device
 * (/dev/zero) has no size to check and was read until memory ran out. `-` is stdin ({@link STDIN}).
 */
export function readJsonFile(source: string, file: string, maxBytes = MAX_JSON_BYTES): unknown {
  const tooLarge = (size: string) => new CliError(`${source} ${file}: the file is ${size} bytes, past the ${maxBytes} (${formatBytes(maxBytes)}) of JSON a string can hold (V8's limit): it cannot be read`);
  let bytes: Buffer;
  try {
    // a directory is named as such here, where readFileCapped leaves it to the read's EISDIR
    if (file !== STDIN && statSync(file).isDirectory()) throw new CliError(`${source} ${file}: not a regular file (a directory)`);
    bytes = file === STDIN ? readStdin(source, maxBytes) : readFileCapped(file, maxBytes);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof FileTooLarge) throw tooLarge(error.size);
    if (error instanceof FileReadRefusal) throw new CliError(`${source} ${file}: not a regular file (a device or socket)`);
    const code = (error as NodeJS.ErrnoException).code;
    // ls lists a dangling link, so a bare ENOENT would not say what is missing
    if (code === 'ENOENT' && isSymbolicLink(file)) throw new CliError(`${source} ${file}: cannot read the file (ENOENT: a symbolic link to ${linkTarget(file)}, which does not exist)`);
    throw new CliError(`${source} ${file}: cannot read the file (${code ?? String(error)})`);
  }
  return parsedJson(source, file, bytes);
}

/** `-` as a JSON file (--scenario, --trace, --preset, check-scenario): stdin, which one option reads. */
export const STDIN = '-';

/** Help text of an option whose JSON file may be {@link STDIN}. */
export const STDIN_HELP = '- reads it from stdin';

/** The option that read stdin as `-`, for the refusal of a second one (stdin is empty once read). */
let stdinReadFor: string | undefined;

/** The bytes on stdin for option `source` (`--scenario -`), up to `maxBytes`, or a CliError when stdin was read already or is a terminal. */
function readStdin(source: string, maxBytes: number): Buffer {
  if (stdinReadFor !== undefined) throw new CliError(`${source} -: stdin is read once, and ${stdinReadFor} - read it; give a file`);
  // nobody types a scenario: a terminal here is a pipe forgotten, which would wait for Ctrl-D
  if (isatty(0)) throw new CliError(`${source} -: stdin is a terminal; pipe the JSON in (jq ... | bdt-gym ...) or give a file`);
  stdinReadFor = source;
  const bytes = readFdUpTo(0, maxBytes);
  if (bytes === undefined) throw new FileTooLarge(`stdin holds more than ${maxBytes} bytes`, `more than ${maxBytes}`);
  return bytes;
}

/** The JSON in `bytes`, read from `file` for option `source`, or a CliError saying why not. */
function parsedJson(source: string, file: string, bytes: Buffer): unknown {
  const utf16 = () => new CliError(`${source} ${file}: not UTF-8 text (it looks like UTF-16, as Windows PowerShell's > or Notepad may save it): save it as UTF-8`);
  if (!isUtf8(bytes)) {
    if (looksLikeUtf16(bytes)) throw utf16();
    // decoding would turn each bad byte into U+FFFD without a word: a Latin-1 "é" and "è" in DNN
    // names both became "\uFFFD", so a device naming the wrong one ran the other's DNN
    const at = firstNonUtf8Byte(bytes);
    const line = bytes.subarray(0, at).reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 1);
    throw new CliError(`${source} ${file}: not UTF-8 text (byte 0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')} on line ${line} begins no UTF-8 character; Latin-1 or Windows-1252, as some editors save, writes accented letters so): save it as UTF-8`);
  }
  const text = withoutByteOrderMark(bytes.toString('utf8'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // UTF-16 without a byte order mark (ASCII with every other byte 0) is valid UTF-8 that JSON.parse refuses
    if (looksLikeUtf16(bytes)) throw utf16();
    throw new CliError(`${source} ${file}: not valid JSON: ${(error as Error).message}`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) throw new CliError(`${source} ${file}: ${duplicateKeyMessage(duplicate)}`);
  return value;
}

/** UTF-16: a byte order mark FF FE or FE FF, or ASCII with every other byte 0 (Windows PowerShell's `>` saves so). */
function looksLikeUtf16(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.subarray(0, 64).includes(0);
}

/** Offset of the first byte of `bytes` (not UTF-8 as a whole) where no valid UTF-8 character starts. */
function firstNonUtf8Byte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length - 1;
}

/** The JSON object in the file of option `--<option>` (`what` says what it should hold), or a CliError naming what the root is instead. */
export function readJsonObjectFile(source: string, file: string, what: string): object {
  const value = readJsonFile(source, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const root = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value} (${JSON.stringify(value)})`;
    throw new CliError(`${source} ${file}: expected a JSON object (${what}), got ${root}`);
  }
  return value;
}
