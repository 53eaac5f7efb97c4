/**
 * Duplicate keys in JSON text. `JSON.parse` keeps the last of an object's repeated keys without a
 * word, so a config edited by hand with `"slots"` twice runs on whichever came last; the CLI
 * refuses such input instead, as an editor's JSON checker flags it.
 */
import { pathWithKey } from '../env/core/format-path.ts';

/** A key repeated in one object: where the object is (an issue path, '' for the root) and the lines of both. */
export interface DuplicateKey {
  readonly path: string;
  readonly key: string;
  readonly firstLine: number;
  readonly line: number;
}

/** An object or array being scanned. */
interface Open {
  readonly path: string;
  /** An object's keys so far, with the line of each; undefined for an array. */
  readonly keys: Map<string, number> | undefined;
  /** Whether the next string is a key (an object, after `{` or `,`). */
  expectKey: boolean;
  /** The last key read (an object), or the index of the element (an array). */
  member: string | number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** The first key `text` repeats within one object, scanning in order; `text` must be valid JSON (`JSON.parse` took it). */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Open[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
    } else if (c === QUOTE) {
      // valid JSON has no raw newline inside a string: the line count stays right
      let end = i + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      const top = stack.at(-1);
      if (top?.keys !== undefined && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const firstLine = top.keys.get(key);
        if (firstLine !== undefined) return { path: top.path, key, firstLine, line };
        top.keys.set(key, line);
        top.member = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      // `{` or `[`: its path is its parent's member
      const parent = stack.at(-1);
      const path = parent === undefined ? '' : pathWithKey(parent.path, parent.member);
      stack.push(c === 0x7b ? { path, keys: new Map(), expectKey: true, member: '' } : { path, keys: undefined, expectKey: false, member: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack.at(-1)!;
      if (top.keys !== undefined) top.expectKey = true;
      else top.member = (top.member as number) + 1;
    }
  }
  return undefined;
}

/** `duplicate` as the end of an error message about the text it was found in. */
export function duplicateKeyMessage(duplicate: DuplicateKey): string {
  const where = duplicate.path === '' ? 'the top-level object' : `the object at ${duplicate.path}`;
  const lines = duplicate.firstLine === duplicate.line ? `both on line ${duplicate.line}` : `lines ${duplicate.firstLine} and ${duplicate.line}`;
  return `key ${JSON.stringify(duplicate.key)} appears twice in ${where} (${lines}); JSON keeps only the last, so one would be ignored: remove the other`;
}
