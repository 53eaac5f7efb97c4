/**
 * Where a write through a symbolic link lands, for writers that replace a file or directory by a
 * rename (a rename onto a link would replace the link, not what it points to).
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The most symbolic links followed in a row, as Linux's path lookup (beyond: a loop). */
const MAX_LINKS = 40;

/**
 * `path` when it is not a symbolic link; else the end of its chain of links: its real path when it
 * exists, and also when it is missing (a dangling chain, whose end a write creates, as
 * `fs.writeFileSync` would). A relative target is resolved against its link's directory's real
 * path, as the kernel does, so `..` from a directory reached through a link is its real parent;
 * a `..` after a linked directory inside the target's own text (`sub/../x`, `sub` a link) is
 * resolved as text, where the kernel would go up from `sub`'s target. A loop throws an ELOOP error naming `path`; a path that cannot be looked at
 * (EACCES, ENOTDIR) is returned as it is, for the caller's own file operation to report.
 */
export function linkTarget(path: string): string {
  let target = path;
  for (let links = 0; isSymbolicLink(target); links++) {
    if (links === MAX_LINKS) throw Object.assign(new Error(`ELOOP: ${path} is a loop of symbolic links (more than ${MAX_LINKS} in a row)`), { code: 'ELOOP', path });
    const end = realPath(target);
    if (end !== undefined) return end;
    target = resolve(realPath(dirname(target)) ?? dirname(target), readlinkSync(target));
  }
  return target;
}

/** Whether `path` itself is a symbolic link (dangling or looping too); false when nothing is there. */
export function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return false;
  }
}

/** `path` with every link resolved by the kernel, or undefined when it leads nowhere (missing, a loop, unreadable). */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
