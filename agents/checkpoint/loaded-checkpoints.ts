/**
 * The checkpoints this process loaded, each with the SHA-256 of its manifest.json as it was read
 * (the manifest holds the checksum of every other file, so this hash names the model). What a
 * record of the results names (compare's provenance, cli/compare-provenance.ts): the directory
 * may be replaced after loading (a training saving its best/ there) or removed. Without
 * TensorFlow.js, for the CLI.
 */
import { resolve } from 'node:path';

export interface CheckpointLoad {
  /** The checkpoint directory, absolute. */
  readonly dir: string;
  readonly manifestSha256: string;
  /** The TensorFlow.js backend its networks loaded on. */
  readonly backend: string;
}

/** The most loads kept: far more than one comparison makes, few enough that a long-lived process does not grow. */
const MAX_LOADS = 1000;

const loads: CheckpointLoad[] = [];

/** Records that the checkpoint in `dir` was loaded, on TensorFlow.js backend `backend`, with a manifest of hash `manifestSha256`. */
export function noteCheckpointLoad(dir: string, manifestSha256: string, backend: string): void {
  loads.push({ dir: resolve(dir), manifestSha256, backend });
  if (loads.length > MAX_LOADS) loads.splice(0, loads.length - MAX_LOADS);
}

/** The checkpoints loaded so far, oldest first. */
export function checkpointLoads(): readonly CheckpointLoad[] {
  return [...loads];
}
