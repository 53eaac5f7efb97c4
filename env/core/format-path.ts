/** Paths into a parsed value (a zod issue's, a DNN spec's) as people write them. */

/** A key written after a dot: anything else (an empty key, one with a dot, a bracket, a quote or a space) is written as a JSON string in brackets, so each key of the path stays readable. */
const DOTTED_KEY = /^[^\s.[\]"]+$/;

/** `['units', 2, 'layers', 0, 'kernel']` -> `units[2].layers[0].kernel`; `['dnns', '']` -> `dnns[""]`; `[]` -> `(root)`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) text = pathWithKey(text, key);
  return text === '' ? '(root)' : text;
}

/**
 * `text`, a path written as {@link formatPath} writes it ('' at the root), followed by `key`: for
 * scanners that build a path a step at a time (a copied array per step costs depth squared).
 */
export function pathWithKey(text: string, key: PropertyKey): string {
  if (typeof key === 'number') return `${text}[${key}]`;
  if (typeof key === 'string' && DOTTED_KEY.test(key)) return text === '' ? key : `${text}.${key}`;
  return `${text}[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;
}
