/**
 * Text files a user may have edited: editors on Windows may save a UTF-8 byte order mark, which
 * JSON.parse refuses as an invisible token.
 */

/** `text` without the byte order mark it may start with. */
export function withoutByteOrderMark(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
