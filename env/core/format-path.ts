/** Paths into a parsed value (a zod issue's, a DNN spec's) as people write them. */

/** A key written after a dot: anything else (an empty key, one with a dot, a bracket, a quote or a space) is written as a JSON string in brackets, so each key of the path stays readable. */
const DOTTED_KEY = /^[^\s.[\]"]+$/;

/** `['units', 2, 'layers', 0, 'kernel']` -> `units[2].layers[0].kernel`; `['dnns', '']` -> `dnns[""]`; `[]` -> `(root)`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && DOTTED_KEY.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;
  }
  return text === '' ? '(root)' : text;
}
