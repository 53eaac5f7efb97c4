/**
 * The lines of `bdt-gym serve`'s input: split at "\n" alone (a "\r" before it dropped, for CRLF).
 * Node's readline also splits at a lone "\r", U+2028 and U+2029, which JSON allows raw inside a
 * string (serde_json, Jackson and Python's `ensure_ascii=False` write them so): one request read
 * as two would be answered twice, and every later answer would go to the wrong request.
 */

/** Each line of `input` (UTF-8; invalid bytes read as U+FFFD), the last one also without a final "\n". */
export async function* jsonLines(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  const line = (): string => {
    const text = decoder.decode(pending.length === 1 ? pending[0] : Buffer.concat(pending));
    pending = [];
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
      pending.push(bytes.subarray(start, end));
      yield line();
      start = end + 1;
    }
    if (start < bytes.length) pending.push(bytes.subarray(start));
  }
  if (pending.length > 0) yield line();
}
