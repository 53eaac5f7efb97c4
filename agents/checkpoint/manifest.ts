/**
 * A checkpoint's manifest: the file names of the layout, the manifest's schema and its reader.
 * Apart from the rest of checkpoint/ so that reading a manifest (which algorithm a checkpoint
 * holds, for the CLI) loads no TensorFlow.js.
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod';
import { RngStateSchema } from '../../env/core/rng.ts';
import { issueLines } from '../../env/core/zod-issues.ts';
import { scenarioSchema } from '../../env/bdt/scenario/schema.ts';
import { withoutByteOrderMark } from '../../node/byte-order-mark.ts';
import { isLearnedAlgorithm } from '../learned-algorithms.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { checkpointTarget, interruptedSave, readCheckpointFile, saveMaybeUnderWay, sha256, unseenFile, verifyChecksums } from './checkpoint-files.ts';
import { BEST_SUBDIR, CHECKPOINT_SUBDIR, MANIFEST_FILE, METRICS_FILE } from './checkpoint-dir.ts';

export { MANIFEST_FILE };
/** Bumped when the layout changes incompatibly. */
export const CHECKPOINT_FORMAT_VERSION = 1;
export const STATE_FILE = 'state.bin';
/** A network's files in its subdirectory (directory-handler.ts writes them). */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/**
 * The manifest's own checksum, saved with it: `<SHA-256 in hex>  manifest.json`, as sha256sum
 * writes it. The manifest checksums every other file, but nothing checked the manifest: a flipped
 * bit or an edit that kept it valid (a learning rate, a step count) loaded as what was saved.
 */
export const MANIFEST_CHECKSUM_FILE = 'manifest.sha256';

/** The text of {@link MANIFEST_CHECKSUM_FILE} for a manifest of bytes `manifest`. */
export function manifestChecksumText(manifest: Uint8Array): string {
  return `${sha256(manifest)}  ${MANIFEST_FILE}\n`;
}

const ObservationStatsSchema = z.object({
  mean: z.array(z.number()).describe('Running mean per flattened observation element'),
  var: z.array(z.number().min(0)).describe('Running variance per flattened observation element'),
  count: z.number().positive().describe('Effective number of observations folded in (starts at a tiny pseudo-count)'),
});

/** PPO's running statistics of the discounted return (normReward): one element each. */
const RewardStatsSchema = z.object({
  mean: z.array(z.number()).length(1).describe('Running mean of the discounted return'),
  var: z.array(z.number().min(0)).length(1).describe('Running variance of the discounted return'),
  count: z.number().positive().describe('Effective number of returns folded in (starts at a tiny pseudo-count)'),
});

const CounterSchema = z.number().int().min(0);

/**
 * What produced a result, as the CLI records it (`compare --out`, train's summary.json and
 * checkpoints): the bdt-gym that ran and the runtime. Informational: nothing reads it back.
 */
export const RunProvenanceSchema = z.object({
  bdtGym: z
    .object({
      version: z.string().describe("bdt-gym's package version"),
      commit: z.string().optional().describe('The commit checked out, when bdt-gym ran from a git checkout'),
      dirty: z.boolean().optional().describe('With commit: whether tracked files differed from it'),
    })
    .describe('The bdt-gym that ran'),
  runtime: z
    .object({
      node: z.string().describe("Node's version (process.version)"),
      platform: z.string().describe('process.platform'),
      arch: z.string().describe('process.arch'),
      tensorflowBackend: z.string().optional().describe('The TensorFlow.js backend, when learned agents ran (floating-point results may differ between backends)'),
    })
    .describe('What ran it'),
});

/**
 * What produced a result: the bdt-gym version (and git commit) and the runtime (see
 * `RunProvenanceSchema`).
 */
export type RunProvenance = z.infer<typeof RunProvenanceSchema>;

/**
 * A learning algorithm's id, as a manifest's `algo` names it: a lowercase letter, then lowercase
 * letters, digits and `-`, at most 32 characters (`ppo`, `dqn`, `a2c`, `my-reinforce`). `ppo` and
 * `dqn` are bdt-gym's own, which its loaders and learned agents read; any other is an algorithm
 * of one's own, loaded by one's own code.
 */
const AlgorithmIdSchema = z
  .string()
  .max(32)
  .regex(/^[a-z][a-z0-9-]*$/, 'expected an algorithm id: a lowercase letter, then lowercase letters, digits and -');

/** `a dqn`, `an a2c`: an algorithm id with its article, for messages. */
export function withArticle(algo: string): string {
  return `${/^[aeiou]/.test(algo) ? 'an' : 'a'} ${algo}`;
}

/** A network's subdirectory: one path segment, so nothing is read outside the checkpoint. */
const NetworkNameSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a subdirectory name (letters, digits, _ and -)');

/** A hyperparameter of an algorithm of one's own: a value printed as it is, or a list of them (layer sizes). */
function isSettingValue(value: unknown): boolean {
  return isScalarSetting(value) || (Array.isArray(value) && value.every(isScalarSetting));
}

function isScalarSetting(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The files a checkpoint with these networks holds besides the manifest, by relative path. */
function checkpointFiles(networks: readonly string[]): string[] {
  return [STATE_FILE, ...networks.flatMap((name) => [`${name}/${MODEL_FILE}`, `${name}/${WEIGHTS_FILE}`])];
}

/**
 * The manifest's schema (validated on load). `files` lists exactly the checkpoint's files, so a
 * manifest cannot make loading read anything outside the directory.
 */
export const ManifestSchema = z
  .object({
    format: z.literal('bdt-gym-checkpoint').describe('Marks the directory as a bdt-gym checkpoint'),
    formatVersion: z.number().int().describe('Checkpoint layout version'),
    algo: AlgorithmIdSchema.describe("Learning algorithm's id: 'ppo' and 'dqn' are bdt-gym's, any other (a lowercase letter, then lowercase letters, digits and -) an algorithm of one's own"),
    envId: z.string().describe('Registered id of the env trained on'),
    scenario: z
      .record(z.string(), z.unknown())
      // checked as a scenario, on load and on save: an invalid one was compared with the env's as a transfer
      .superRefine((scenario, ctx) => {
        const result = scenarioSchema.safeParse(scenario, { reportInput: true });
        if (!result.success) for (const issue of result.error.issues) ctx.addIssue(issue as unknown as Exclude<Parameters<typeof ctx.addIssue>[0], string>);
      })
      .optional()
      .describe('The resolved scenario of the B-DT env trained on (defaults filled in, envKwargs merged); absent for other envs and in checkpoints saved before it was kept'),
    observationSpace: z.record(z.string(), z.unknown()).describe("JSON form of the env's observation space"),
    actionSpace: z.record(z.string(), z.unknown()).describe("JSON form of the env's action space (before any agent-side wrapper)"),
    hyperparameters: z.record(z.string(), z.unknown()).describe("Hyperparameters of the run: for ppo and dqn as their schemas check them on load; for an algorithm of one's own a record of finite numbers, strings, booleans and lists of them"),
    counters: z.object({ globalStep: CounterSchema }).catchall(CounterSchema).describe('Step counters (env steps, iterations, gradient steps)'),
    seed: z.number().int().min(0).describe('Seed the run started from'),
    rngState: RngStateSchema.describe("The trainer's random stream state"),
    observationStats: ObservationStatsSchema.nullable().describe('Observation normalisation statistics, null when not normalising'),
    rewardStats: RewardStatsSchema.nullable().optional().describe('PPO reward normalisation statistics, null when not normalising rewards; absent for DQN and in PPO checkpoints saved before they were kept'),
    networks: z
      .array(NetworkNameSchema)
      .refine((names) => new Set(names).size === names.length, 'rule: each network is listed once')
      .describe('Subdirectories holding Layers models'),
    arrays: z.array(z.object({ name: z.string(), offset: z.number().int().min(0), length: z.number().int().min(0) })).describe(`Float32 arrays in ${STATE_FILE}: name, element offset, element count`),
    files: z.record(z.string(), z.string()).describe('SHA-256 (hex) of every file but the manifest, by relative path'),
    backend: z.string().describe('TF.js backend the run used'),
    provenance: RunProvenanceSchema.optional().describe('What saved it (the session of train that did): informational, absent when the saver gave none and in checkpoints saved before it was kept'),
    manifestChecksum: z
      .literal(MANIFEST_CHECKSUM_FILE)
      .optional()
      .describe('The file saved beside the manifest with its SHA-256, which loading then requires; absent in checkpoints saved before it was kept, whose manifest loads unchecked'),
  })
  .superRefine((manifest, ctx) => {
    const expected = checkpointFiles(manifest.networks);
    for (const file of Object.keys(manifest.files)) {
      if (!expected.includes(file)) ctx.addIssue({ code: 'custom', path: ['files'], input: file, message: `every key must be a file of the checkpoint (${expected.join(', ')})` });
    }
    for (const file of expected) {
      if (manifest.files[file] === undefined) ctx.addIssue({ code: 'custom', path: ['files'], input: Object.keys(manifest.files), message: `no checksum for ${file}` });
    }
    // ppo's and dqn's are checked by their schemas on load; one's own algorithm has none of bdt-gym's
    if (!isLearnedAlgorithm(manifest.algo)) {
      for (const [key, value] of Object.entries(manifest.hyperparameters)) {
        if (!isSettingValue(value)) ctx.addIssue({ code: 'custom', path: ['hyperparameters', key], input: value, message: `${manifest.algo}'s hyperparameters (an algorithm of one's own) are finite numbers, strings, booleans or lists of them (JSON saves NaN and Infinity as null)` });
      }
    }
    // as saveCheckpoint lays them out: one after another from element 0, so none reads another's values
    let end = 0;
    manifest.arrays.forEach(({ name, offset, length }, i) => {
      if (offset !== end) ctx.addIssue({ code: 'custom', path: ['arrays', i, 'offset'], input: offset, message: `each array starts where the one before it ends (element ${end})` });
      if (manifest.arrays.findIndex((a) => a.name === name) !== i) ctx.addIssue({ code: 'custom', path: ['arrays', i, 'name'], input: name, message: 'each array is listed once' });
      end = offset + length;
    });
  });

/**
 * A checkpoint's `manifest.json`, as validated by `ManifestSchema`: the algorithm, the env it was
 * trained on, its files and their checksums.
 */
export type CheckpointManifest = z.infer<typeof ManifestSchema>;

/**
 * `value` validated by `schema`, or a CheckpointError: `what` failed, then one line per issue with
 * path (under `at`), rule and value.
 */
export function parseCheckpointPart<S extends z.ZodType>(schema: S, value: unknown, what: string, at: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const lines = issueLines(result.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] })));
  throw new CheckpointError(`${what}:\n${lines.map((line) => `  ${line}`).join('\n')}`);
}

/** Read and check the manifest of the checkpoint in `dir` (no networks loaded). */
export function readManifest(dir: string): CheckpointManifest {
  return readManifestFile(dir).manifest;
}

/** {@link readManifest}, with the SHA-256 of the manifest's bytes as read, which name the checkpoint (see loaded-checkpoints.ts). */
export function readManifestFile(dir: string): { manifest: CheckpointManifest; sha256: string } {
  if (!existsSync(dir)) throw new CheckpointError(missingCheckpoint(dir));
  if (!statSync(dir).isDirectory()) throw new CheckpointError(`checkpoint ${dir} is not a directory`);
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    const unseen = unseenFile(path);
    throw new CheckpointError(unseen === undefined ? `checkpoint ${dir} has no ${MANIFEST_FILE}` : `checkpoint ${dir} ${unseen} ${MANIFEST_FILE}`);
  }
  let bytes: Buffer;
  let raw: unknown;
  try {
    bytes = readCheckpointFile(path);
    raw = JSON.parse(withoutByteOrderMark(bytes.toString('utf8')));
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`checkpoint manifest ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(`checkpoint ${dir} has format version ${version}; this build reads version ${CHECKPOINT_FORMAT_VERSION}`);
  }
  verifyManifestChecksum(dir, path, bytes, (raw as { manifestChecksum?: unknown } | null)?.manifestChecksum !== undefined);
  return { manifest: parseCheckpointPart(ManifestSchema, raw, `checkpoint manifest ${path} is invalid`), sha256: sha256(bytes) };
}

const UTF8_BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Throws unless manifest `path` of checkpoint `dir`, of bytes `bytes`, matches the checksum saved
 * with it (a byte order mark an editor added aside). A checkpoint saved before the checksum was
 * kept has none, and its manifest is read unchecked, as before; one whose manifest says it was
 * saved with one (`marked`) must have it, or a deleted checksum file would pass as such.
 */
function verifyManifestChecksum(dir: string, path: string, bytes: Buffer, marked: boolean): void {
  const checksumPath = join(dir, MANIFEST_CHECKSUM_FILE);
  if (!existsSync(checksumPath) && unseenFile(checksumPath) === undefined) {
    if (marked) throw new CheckpointError(`checkpoint ${dir} has no ${MANIFEST_CHECKSUM_FILE}, which its manifest ${path} says was saved with it (manifestChecksum), so the manifest cannot be checked: was it left out of a copy? Copy the whole checkpoint directory`);
    return;
  }
  const text = readCheckpointFile(checksumPath).toString('utf8');
  const expected = /^([0-9a-f]{64}) {2}manifest\.json\n$/.exec(text)?.[1];
  if (expected === undefined) throw new CheckpointError(`checkpoint file ${checksumPath} is corrupted: expected "<SHA-256 in hex>  ${MANIFEST_FILE}" and a newline, got ${JSON.stringify(text.slice(0, 100))}`);
  const actual = sha256(bytes.subarray(bytes.subarray(0, 3).equals(UTF8_BYTE_ORDER_MARK) ? 3 : 0));
  if (actual !== expected) throw new CheckpointError(`checkpoint manifest ${path} is corrupted or was edited since it was saved: SHA-256 ${actual.slice(0, 12)}… does not match ${MANIFEST_CHECKSUM_FILE}'s ${expected.slice(0, 12)}…`);
}

/**
 * Why there is no checkpoint at `dir`, which does not exist (as existsSync sees it): a loop of
 * symbolic links, a dangling one (named with its target) or nothing there; and where an
 * interrupted save left it, or why the run holding it has none.
 */
function missingCheckpoint(dir: string): string {
  let what = 'does not exist';
  let link = false;
  try {
    link = lstatSync(dir).isSymbolicLink();
    if (link) what = `is a symbolic link to ${checkpointTarget(dir)}, which does not exist`;
    statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return `checkpoint ${dir} is a loop of symbolic links (ELOOP)`;
  }
  const target = checkpointTarget(dir);
  const left = interruptedSave(dir, isCompleteCheckpoint);
  if (left !== undefined) return `checkpoint ${dir} ${what}; a save into it was interrupted and left a complete checkpoint at ${left}: train --resume restores it, or move it to ${target}`;
  const run = dirname(dir);
  // a dangling link's checkpoint lies where it points (a disk not mounted): never "the run has none"
  const why = basename(dir) === CHECKPOINT_SUBDIR && !link ? whyNoCheckpoint(run) : undefined;
  if (why !== undefined) return `checkpoint ${dir} ${what} (${run} holds a run with none: ${why})`;
  const underWay = saveMaybeUnderWay(dir, isCompleteCheckpoint);
  if (underWay !== undefined) return `checkpoint ${dir} ${what}; a save into it by process ${underWay.pid}, which is running, may be under way and has written a complete checkpoint at ${underWay.path}: if that process is not saving it, move it to ${target}`;
  return `checkpoint ${dir} ${what}`;
}

/**
 * The best checkpoint (periodic evaluation) the run in `runDir` kept: its `best/`, or where an
 * interrupted save of it left one; undefined when there is none.
 */
export function keptBestCheckpoint(runDir: string): { path: string; left: boolean } | undefined {
  const best = join(runDir, BEST_SUBDIR);
  if (isCompleteCheckpoint(best)) return { path: best, left: false };
  const left = interruptedSave(best, isCompleteCheckpoint, 'old');
  return left === undefined ? undefined : { path: left, left: true };
}

/**
 * Why the run in `runDir` has no checkpoint and what to do: it was stopped before its first save,
 * and may still have kept its best one (periodic evaluation), which no message may send the user
 * to delete; undefined when `runDir` holds no run (no metrics.jsonl).
 */
export function whyNoCheckpoint(runDir: string): string | undefined {
  if (!existsSync(join(runDir, METRICS_FILE))) return undefined;
  // a complete checkpoint beside its place whose save may be under way, or killed (a pid that cannot be told apart)
  const checkpointDir = join(runDir, CHECKPOINT_SUBDIR);
  const saving = saveMaybeUnderWay(checkpointDir, isCompleteCheckpoint);
  if (saving !== undefined) return `a save of its checkpoint left a complete one at ${saving.path}, and process ${saving.pid}, which may be that save, is running: if it is not a training of this run, move ${saving.path} to ${checkpointTarget(checkpointDir)}, and --resume continues the run`;
  const best = keptBestCheckpoint(runDir);
  const bestDir = join(runDir, BEST_SUBDIR);
  if (best?.left) return `it was stopped before it saved its checkpoint, but kept its best one, which an interrupted save left at ${best.path} (move it to ${checkpointTarget(bestDir)}, then evaluate or compare that with --checkpoint); --resume cannot continue it: give another --out`;
  if (best !== undefined) return `it was stopped before it saved its checkpoint, but kept its best one in ${bestDir} (evaluate or compare that with --checkpoint); --resume cannot continue it: give another --out`;
  const savingBest = saveMaybeUnderWay(bestDir, isCompleteCheckpoint, 'old');
  if (savingBest !== undefined) return `it was stopped before it saved its checkpoint, and a save of its best one left a complete checkpoint at ${savingBest.path}, and process ${savingBest.pid}, which may be that save, is running: if it is not a training of this run, move ${savingBest.path} to ${checkpointTarget(bestDir)}, then evaluate or compare that with --checkpoint; --resume cannot continue it: give another --out`;
  return `it was stopped before it saved one, so --resume cannot continue it; remove ${runDir} or give another --out`;
}

/** Whether `dir` holds a whole checkpoint: a valid manifest and every file it lists with its checksum. */
export function isCompleteCheckpoint(dir: string): boolean {
  // without the directory, readManifest would look through interrupted saves for a hint this drops
  if (!existsSync(dir)) return false;
  try {
    verifyChecksums(dir, readManifest(dir).files);
    return true;
  } catch (error) {
    if (error instanceof CheckpointError) return false;
    throw error;
  }
}
