/** Where a checkpoint is, without loading TensorFlow.js (the CLI asks before it knows whether it needs a network). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The manifest's file name; its presence marks a checkpoint directory. */
export const MANIFEST_FILE = 'manifest.json';

// A train run directory (agents/run writes it), named here so that the CLI finds its parts
// without loading TensorFlow.js.
/** The run's checkpoint. */
export const CHECKPOINT_SUBDIR = 'checkpoint';
/** The checkpoint of the run's best periodic evaluation. */
export const BEST_SUBDIR = 'best';
/** That evaluation's record (mean return and step). */
export const BEST_EVAL_FILE = 'best-eval.json';
/** The largest best-eval.json read: its record is some 50 bytes. */
export const MAX_BEST_EVAL_BYTES = 2 ** 20;
/** The run's metrics, one JSON record per line. */
export const METRICS_FILE = 'metrics.jsonl';
/** The run's summary (train's JSON output). */
export const SUMMARY_FILE = 'summary.json';

/** The checkpoint directory of `runOrCheckpointDir`: itself, or the `checkpoint/` of a `train` run directory. */
export function checkpointDirOf(runOrCheckpointDir: string): string {
  const nested = join(runOrCheckpointDir, CHECKPOINT_SUBDIR);
  if (existsSync(join(runOrCheckpointDir, MANIFEST_FILE))) return runOrCheckpointDir;
  // a run, also one whose checkpoint is missing (the loader's message then says what it left)
  const isRun = existsSync(join(runOrCheckpointDir, METRICS_FILE)) || existsSync(join(runOrCheckpointDir, SUMMARY_FILE));
  return existsSync(join(nested, MANIFEST_FILE)) || isRun ? nested : runOrCheckpointDir;
}
