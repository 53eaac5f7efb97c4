/**
 * What identifies the bdt-gym that is running, for results to record: its package version and,
 * from a git checkout, its commit; with the runtime, the provenance `compare --out`, train's
 * summary.json and its checkpoints record.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunProvenance } from '../agents/checkpoint/manifest.ts';

/** The package root (the directory of package.json). */
const root = fileURLToPath(new URL('..', import.meta.url));

/** The `version` of bdt-gym's package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}

/**
 * The commit checked out at the package root, and whether tracked files differ from it, when the
 * root is a git checkout's top level; undefined otherwise (no git, no checkout, or bdt-gym
 * installed inside another project's checkout, whose commit says nothing of bdt-gym). Never throws.
 */
function gitCommit(): { commit: string; dirty: boolean } | undefined {
  const git = (...args: string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  try {
    if (realpathSync(git('rev-parse', '--show-toplevel')) !== realpathSync(root)) return undefined;
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return undefined;
  }
}

/**
 * The bdt-gym that is running (version; commit, from a git checkout) and the runtime of this
 * process, with `tensorflowBackend` when learned agents ran (TensorFlow.js is not loaded here to ask).
 */
export function runProvenance(tensorflowBackend?: string): RunProvenance {
  const runtime = { node: process.version, platform: process.platform, arch: process.arch, ...(tensorflowBackend === undefined ? {} : { tensorflowBackend }) };
  return { bdtGym: { version: packageVersion(), ...gitCommit() }, runtime };
}
