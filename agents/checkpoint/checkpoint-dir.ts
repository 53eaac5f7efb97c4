/** Where a checkpoint is, without loading TensorFlow.js (the CLI asks before it knows whether it needs a network). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The manifest's file name; its presence marks a checkpoint directory. */
export const MANIFEST_FILE = 'manifest.json';

/** The checkpoint directory of `runOrCheckpointDir`: itself, or the `checkpoint/` of a `train` run directory. */
export function checkpointDirOf(runOrCheckpointDir: string): string {
  const nested = join(runOrCheckpointDir, 'checkpoint');
  return !existsSync(join(runOrCheckpointDir, MANIFEST_FILE)) && existsSync(join(nested, MANIFEST_FILE)) ? nested : runOrCheckpointDir;
}
