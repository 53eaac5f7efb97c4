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

/** NumPy's dtype name of each typed array a getAttr or call answer may hold. */
const NUMPY_DTYPES: Record<string, string> = {
  Int8Array: 'int8',
  Uint8Array: 'uint8',
  Uint8ClampedArray: 'uint8',
  Int16Array: 'int16',
  Uint16Array: 'uint16',
  Int32Array: 'int32',
  Uint32Array: 'uint32',
  Float32Array: 'float32',
  Float64Array: 'float64',
};

/**
 * `value` with each typed array in its arrays and plain objects written as `{"__ndarray__": dtype,
 * "data": [...]}`, so a client rebuilds it with its dtype: JSON writes a whole double as an
 * integer, and an untagged Float64Array of zeros would read as integers. Class instances (spaces)
 * are left to their `toJSON`.
 */
export function withArrayDtypes(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const dtype = NUMPY_DTYPES[value.constructor.name];
    return dtype === undefined ? value : { __ndarray__: dtype, data: Array.from(value as unknown as ArrayLike<number>) };
  }
  if (Array.isArray(value)) return value.map(withArrayDtypes);
  if (typeof value === 'object' && value !== null && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, withArrayDtypes(v)]));
  }
  return value;
}
