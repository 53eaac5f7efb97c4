/**
 * The JSON of `bdt-gym serve`'s wire: JSON as Python's `json` module reads and writes it by
 * default, so NaN, Infinity and -Infinity travel as the bare tokens `NaN`, `Infinity`,
 * `-Infinity` (standard JSON has no way to write them, and an env's info may hold an infinite
 * latency); typed arrays are written as arrays.
 */

/** Stands in for a non-finite number inside standard JSON text (a string no real value holds). */
const placeholder = (token: string): string => `\u0000${token}\u0000`;
const TOKENS = ['NaN', 'Infinity', '-Infinity'] as const;
const NUMBERS: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity };

/** One line of wire JSON for `value`. */
export function stringifyWire(value: unknown): string {
  let nonFinite = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      nonFinite = true;
      return placeholder(String(v));
    }
    return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
  });
  if (!nonFinite) return text;
  let out = text;
  for (const token of TOKENS) out = out.replaceAll(JSON.stringify(placeholder(token)), token);
  return out;
}

/** Strings (kept as they are) or a bare non-finite token outside them. */
const STRING_OR_TOKEN = /"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g;

/** The value of one line of wire JSON; a SyntaxError says what is malformed. */
export function parseWire(text: string): unknown {
  if (!text.includes('NaN') && !text.includes('Infinity')) return JSON.parse(text);
  const standard = text.replace(STRING_OR_TOKEN, (match, token: string | undefined) => (token === undefined ? match : JSON.stringify(placeholder(token))));
  return JSON.parse(standard, (_key, v: unknown) => (typeof v === 'string' && v.length > 2 && v.startsWith('\u0000') && v.endsWith('\u0000') && v.slice(1, -1) in NUMBERS ? NUMBERS[v.slice(1, -1)] : v));
}
