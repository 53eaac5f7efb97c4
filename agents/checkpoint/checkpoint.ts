/**
 * Training checkpoints: a directory with the networks (one Layers model per subdirectory, see
 * directory-handler.ts), `state.bin` (Float32 arrays: optimiser moments, log-std, ...), and
 * `manifest.json` (format version, algorithm, env id and spaces, hyperparameters, counters, RNG
 * state, observation statistics, PPO's reward statistics, SHA-256 of every other file, and what
 * saved it when the saver says), and `manifest.sha256`, the manifest's own SHA-256.
 *
 * Saving writes a fresh sibling directory and renames it into place, so an interrupted save
 * never leaves a half-written checkpoint (checkpoint-files.ts finds what one leaves). Loading checks the format, the manifest's checksum, every manifest field, the
 * checksums, the array sizes and that every stored number is finite before anything is used, and
 * fails with an error naming the file, the field, the rule and the value.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as z from 'zod';
import { warn } from '../../env/core/logger.ts';
import { FileWriteError, writeFileAtomic } from '../../node/atomic-write.ts';
import { makeDirectories } from '../../node/make-directories.ts';
import { initBackendUnlessChosen } from '../backend.ts';
import type { ObservationEncoder } from '../nn/observation-encoder.ts';
import type { FlatAdamState } from '../nn/flat-adam.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { checkpointTarget, readCheckpointFile, removeSaveLeftovers, saveUnderWay, sha256, verifyChecksums } from './checkpoint-files.ts';
import { directoryHandler, firstNonFinite } from './directory-handler.ts';
import { noteCheckpointLoad } from './loaded-checkpoints.ts';
import { misfitDifference, spaceMismatch, type PrintableSpace } from './space-fit.ts';
import { CHECKPOINT_FORMAT_VERSION, MANIFEST_CHECKSUM_FILE, MANIFEST_FILE, manifestChecksumText, ManifestSchema, MODEL_FILE, parseCheckpointPart, readManifestFile, STATE_FILE, WEIGHTS_FILE, withArticle, type CheckpointManifest, type RunProvenance } from './manifest.ts';

export { CHECKPOINT_FORMAT_VERSION, MANIFEST_FILE, readManifest, STATE_FILE, type CheckpointManifest, type RunProvenance } from './manifest.ts';

/** What a trainer hands over to be saved. */
export interface CheckpointContents {
  readonly algo: CheckpointManifest['algo'];
  readonly envId: string;
  /** B-DT envs only (see trained-scenario.ts). */
  readonly scenario?: Record<string, unknown> | undefined;
  readonly observationSpace: object;
  readonly actionSpace: object;
  readonly hyperparameters: object;
  readonly counters: Readonly<CheckpointManifest['counters']>;
  readonly seed: number;
  readonly rngState: object;
  readonly observationStats: CheckpointManifest['observationStats'];
  /** PPO only. */
  readonly rewardStats?: CheckpointManifest['rewardStats'];
  readonly networks: Readonly<Record<string, tf.LayersModel>>;
  readonly arrays: Readonly<Record<string, Float32Array>>;
  /** What saves it (bdt-gym's version, the runtime), recorded as is: informational. */
  readonly provenance?: RunProvenance | undefined;
}

/** A checkpoint read back: the manifest, the networks (freshly loaded) and the arrays. */
export interface LoadedCheckpoint {
  readonly dir: string;
  readonly manifest: CheckpointManifest;
  readonly networks: Record<string, tf.LayersModel>;
  readonly arrays: Record<string, Float32Array>;
}

/** Removes network `name` from `checkpoint` and returns it: from then on the caller owns (and disposes) it. */
export function takeNetwork(checkpoint: LoadedCheckpoint, name: string): tf.LayersModel | undefined {
  const model = checkpoint.networks[name];
  delete checkpoint.networks[name];
  return model;
}

/** `compute()`, freeing `networks` (taken from a checkpoint, or given to what `compute` builds) if it throws. */
export function disposingOnError<T>(networks: readonly { dispose(): void }[], compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    for (const network of networks) network.dispose();
    throw error;
  }
}

/**
 * `build()`, which turns `checkpoint` into a policy taking its networks with `takeNetwork` (and
 * disposing what it built if it fails later). When `build` throws, the networks not taken are
 * disposed here, so a refused checkpoint leaks no tensors.
 */
export function buildFromCheckpoint<T>(checkpoint: LoadedCheckpoint, build: () => T): T {
  try {
    return build();
  } catch (error) {
    for (const name of Object.keys(checkpoint.networks)) takeNetwork(checkpoint, name)!.dispose();
    throw error;
  }
}

export { CheckpointError };

/**
 * A Layers model's artifacts as `model.save` hands them to its handler, read now: `model.save`
 * reads the weights after an await, by which time training may have changed them.
 */
function modelArtifactsNow(model: tf.LayersModel): tf.io.ModelArtifacts {
  const tensors = model.getWeights();
  const weightSpecs = model.weights.map((weight, i): tf.io.WeightsManifestEntry => ({ name: weight.originalName, shape: tensors[i]!.shape, dtype: tensors[i]!.dtype }));
  const values = tensors.map((tensor) => tensor.dataSync());
  const weightData = new Uint8Array(values.reduce((sum, v) => sum + v.byteLength, 0));
  let offset = 0;
  for (const v of values) {
    weightData.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), offset);
    offset += v.byteLength;
  }
  return {
    modelTopology: model.toJSON(null, false) as object,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightSpecs,
    weightData: weightData.buffer,
  };
}

/**
 * Save `contents` to `dir`, replacing any checkpoint there, atomically. A symbolic link at `dir`
 * is followed: its target is replaced and the link kept (as writeFileAtomic does for a file).
 *
 * Everything is read from `contents` (the networks' weights too) before the first await, so a
 * save started mid-training (from a trainer's `metrics$` subscriber, which runs mid-iteration)
 * holds the state of that moment, not networks saved one after another as training moves on.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const names = Object.keys(contents.networks);
  const networks = names.map((name) => modelArtifactsNow(contents.networks[name]!));
  const arrays: CheckpointManifest['arrays'] = [];
  let total = 0;
  for (const [name, values] of Object.entries(contents.arrays)) {
    arrays.push({ name, offset: total, length: values.length });
    total += values.length;
  }
  const state = new Float32Array(total);
  for (const entry of arrays) state.set(contents.arrays[entry.name]!, entry.offset);
  const stateBytes = new Uint8Array(state.buffer);
  const fields = {
    algo: contents.algo,
    envId: contents.envId,
    ...(contents.scenario === undefined ? {} : { scenario: contents.scenario }),
    observationSpace: contents.observationSpace as Record<string, unknown>,
    actionSpace: contents.actionSpace as Record<string, unknown>,
    hyperparameters: contents.hyperparameters as Record<string, unknown>,
    counters: { ...contents.counters },
    seed: contents.seed,
    rngState: contents.rngState as CheckpointManifest['rngState'],
    observationStats: contents.observationStats,
    ...(contents.rewardStats === undefined ? {} : { rewardStats: contents.rewardStats }),
  };
  // copied as the manifest writes them (JSON): what changes in the caller's objects from here on is not saved
  const described = JSON.parse(JSON.stringify(fields)) as typeof fields;
  const provenance = contents.provenance === undefined ? undefined : (JSON.parse(JSON.stringify(contents.provenance)) as RunProvenance);

  const target = checkpointTarget(dir);
  const parent = dirname(target);
  makeDirectories(parent);
  const stamp = `${process.pid}-${Date.now()}`; // the names checkpoint-files.ts reads back
  const temp = join(parent, `.${basename(target)}.tmp-${stamp}`);
  const old = join(parent, `.${basename(target)}.old-${stamp}`);
  const finished = saveUnderWay([temp, old]);
  try {
    // a rename onto a loop of links would replace the link
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) throw Object.assign(new Error(`ELOOP: ${dir} is a loop of symbolic links`), { code: 'ELOOP' });
    mkdirSync(temp, { recursive: true });
    for (const [i, name] of names.entries()) await directoryHandler(join(temp, name)).save!(networks[i]!);
    writeFileAtomic(join(temp, STATE_FILE), stateBytes);

    const files: Record<string, string> = { [STATE_FILE]: sha256(stateBytes) };
    for (const name of names) {
      for (const file of [MODEL_FILE, WEIGHTS_FILE]) files[`${name}/${file}`] = sha256(readFileSync(join(temp, name, file)));
    }
    const manifest: CheckpointManifest = {
      format: 'bdt-gym-checkpoint',
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      ...described,
      networks: names,
      arrays,
      files,
      backend: tf.getBackend(),
      ...(provenance === undefined ? {} : { provenance }),
      manifestChecksum: MANIFEST_CHECKSUM_FILE,
    };
    // a manifest no load would take (a counter run past 2^53 - 1) must not replace a loadable checkpoint
    const refusal = existsSync(target) ? `refused to replace ${dir}, which is left as it was: its new manifest` : `refused to save ${dir}, where nothing was saved: its manifest`;
    parseCheckpointPart(ManifestSchema, manifest, `saveCheckpoint: ${refusal} would be invalid`);
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    // first: a manifest marks a checkpoint, which must not lie there without its checksum
    writeFileAtomic(join(temp, MANIFEST_CHECKSUM_FILE), manifestChecksumText(manifestBytes));
    writeFileAtomic(join(temp, MANIFEST_FILE), manifestBytes);

    // a kill between these two renames leaves no `dir`: readManifest points at what it left, and
    // a resume restores it (checkpoint-files.ts)
    if (existsSync(target)) renameSync(target, old);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target); // the old checkpoint back in place
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new FileWriteError(dir, code, { cause: error });
    throw error;
  } finally {
    finished();
  }
  // the old checkpoint, and what saves killed earlier left; a directory that refuses costs only disk space
  const kept = removeSaveLeftovers(dir);
  if (kept.length > 0) warn(`saveCheckpoint: saved ${dir}, but cannot remove ${kept.join(', ')} (left by this or an interrupted save); remove by hand`);
}

/**
 * Load the checkpoint in `dir`, verifying every checksum first. The load is recorded with its
 * manifest's hash (loaded-checkpoints.ts), for records that name what was loaded. The networks
 * load on the running TensorFlow.js backend, or on the fastest one, started here when none was
 * chosen yet (as `initBackend()` does).
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const { checkpoint, manifestSha256 } = await readCheckpoint(dir);
  noteCheckpointLoad(dir, manifestSha256, tf.getBackend());
  return checkpoint;
}

/**
 * The manifest of the checkpoint in `dir`, checked as {@link loadCheckpoint} checks the whole
 * checkpoint (checksums, array sizes, every stored number finite, each network's weights fitting
 * its layers), its networks freed at once and the load not recorded. A CheckpointError naming the
 * file otherwise.
 */
export async function checkCheckpoint(dir: string): Promise<CheckpointManifest> {
  const { checkpoint } = await readCheckpoint(dir);
  for (const model of Object.values(checkpoint.networks)) model.dispose();
  return checkpoint.manifest;
}

/** {@link loadCheckpoint}, without recording the load; with its manifest's hash. */
async function readCheckpoint(dir: string): Promise<{ checkpoint: LoadedCheckpoint; manifestSha256: string }> {
  const { manifest, sha256: manifestSha256 } = readManifestFile(dir);
  verifyChecksums(dir, manifest.files);
  const arrays = readStateArrays(dir, manifest);
  await initBackendUnlessChosen();
  const networks: Record<string, tf.LayersModel> = {};
  try {
    for (const name of manifest.networks) networks[name] = await loadNetwork(join(dir, name));
  } catch (error) {
    for (const model of Object.values(networks)) model.dispose();
    throw new CheckpointError(`checkpoint ${dir}: cannot load network: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { checkpoint: { dir, manifest, networks, arrays }, manifestSha256 };
}

/** The arrays of `state.bin` in checkpoint `dir` as its `manifest` lays them out, each finite. */
function readStateArrays(dir: string, manifest: CheckpointManifest): Record<string, Float32Array> {
  const statePath = join(dir, STATE_FILE);
  const stateBytes = readCheckpointFile(statePath);
  if (stateBytes.byteLength % 4 !== 0) throw new CheckpointError(`checkpoint file ${statePath} has ${stateBytes.byteLength} bytes, not a whole number of Float32 values (a multiple of 4)`);
  const total = stateBytes.byteLength / 4;
  const state = new Float32Array(stateBytes.buffer.slice(stateBytes.byteOffset, stateBytes.byteOffset + stateBytes.byteLength));
  const covered = manifest.arrays.reduce((sum, { length }) => sum + length, 0);
  if (covered !== total) throw new CheckpointError(`checkpoint file ${statePath} holds ${total} floats, but the manifest's arrays cover ${covered}`);
  const arrays: Record<string, Float32Array> = {};
  for (const { name, offset, length } of manifest.arrays) {
    const values = state.slice(offset, offset + length);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new CheckpointError(`checkpoint file ${statePath}: array '${name}' has value ${values[bad]} at index ${bad} (must be finite)`);
    arrays[name] = values;
  }
  return arrays;
}

/**
 * The Layers model saved in `networkDir`. tf.loadLayersModel builds the model's variables before
 * it loads the weights, and leaks them when the weights do not fit the topology (a layer's units
 * or a kernel's shape edited: TF.js's bare 'Shape mismatch'). So the model is built from the
 * topology alone, each weight checked against its layer's by name, shape and dtype (a
 * CheckpointError naming the model file and the weight), and the model freed if they differ.
 */
async function loadNetwork(networkDir: string): Promise<tf.LayersModel> {
  const { weightSpecs = [], weightData, ...topology } = await directoryHandler(networkDir, { onlyWeightsFile: true }).load!();
  const model = await tf.loadLayersModel({ load: async () => topology });
  try {
    const where = `model ${join(networkDir, MODEL_FILE)}`;
    const specs = new Map(weightSpecs.map((spec) => [spec.name, spec]));
    for (const layer of model.layers) {
      for (const weight of layer.weights) {
        const spec = specs.get(weight.originalName);
        if (spec === undefined) throw new CheckpointError(`${where}: its weightsManifest has no weight '${weight.originalName}', which layer ${layer.name} of its topology has`);
        if (spec.shape.length !== weight.shape.length || spec.shape.some((size, i) => size !== weight.shape[i]) || spec.dtype !== weight.dtype) {
          throw new CheckpointError(`${where}: weight '${spec.name}' has shape ${describeWeight(spec.shape, spec.dtype, weight.dtype)} in its weightsManifest, but layer ${layer.name} of its topology makes it ${describeWeight(weight.shape, weight.dtype, spec.dtype)}`);
        }
        specs.delete(weight.originalName);
      }
    }
    const extra = [...specs.keys()][0];
    if (extra !== undefined) throw new CheckpointError(`${where}: its weightsManifest has weight '${extra}', which no layer of its topology has`);
    const values = tf.io.decodeWeights(weightData ?? new ArrayBuffer(0), weightSpecs);
    try {
      model.setWeights(model.weights.map((weight) => values[weight.originalName]!));
    } finally {
      tf.dispose(values);
    }
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** A weight's shape, and its dtype when the other side's differs: `[16, 3]`, `[4] of int32`. */
function describeWeight(shape: readonly (number | null)[], dtype: string | undefined, otherDtype: string | undefined): string {
  return `[${shape.join(', ')}]${dtype === otherDtype ? '' : ` of ${dtype}`}`;
}

/**
 * Throws unless the checkpoint fits the env: the same observation layout (keys, shapes, dtypes,
 * category counts) and exactly the same action space (its bounds define the actions).
 */
export function assertSameSpaces(checkpoint: LoadedCheckpoint, observationSpace: PrintableSpace, actionSpace: PrintableSpace): void {
  const { manifest, dir } = checkpoint;
  const mismatch = spaceMismatch(manifest, observationSpace, actionSpace);
  // what differs first: the whole space alone left the reader to find it
  if (mismatch === undefined) return;
  const space = mismatch === 'observation layout' ? observationSpace : actionSpace;
  throw new CheckpointError(`checkpoint ${dir} was trained on ${manifest.envId} with a different ${mismatch} (${misfitDifference(mismatch, manifest, observationSpace, actionSpace)}) than this env's ${space.toString()}`);
}

/**
 * Throws unless the checkpoint holds an agent of `algo`; checked before its hyperparameters, which
 * the other algorithm's schema refuses field by field, hiding the reason.
 */
export function assertAlgo(checkpoint: Pick<LoadedCheckpoint, 'dir' | 'manifest'>, algo: CheckpointManifest['algo']): void {
  if (checkpoint.manifest.algo !== algo) throw new CheckpointError(`checkpoint ${checkpoint.dir} holds ${withArticle(checkpoint.manifest.algo)} agent, not ${algo}`);
}

/** The checkpoint's hyperparameters validated by its algorithm's `schema` (defaults filled in). */
export function checkpointHyperparameters<S extends z.ZodType>(checkpoint: Pick<LoadedCheckpoint, 'dir' | 'manifest'>, schema: S): z.output<S> {
  const { algo, hyperparameters } = checkpoint.manifest;
  return parseCheckpointPart(schema, hyperparameters, `checkpoint manifest ${join(checkpoint.dir, MANIFEST_FILE)}: hyperparameters do not fit algo ${algo}`, ['hyperparameters']);
}

/**
 * Loads the checkpoint's observation statistics into `encoder`, built with the checkpoint's
 * `normObs`; a CheckpointError when they do not fit it.
 */
export function restoreObservationStats(checkpoint: LoadedCheckpoint, encoder: ObservationEncoder): void {
  const stats = checkpoint.manifest.observationStats;
  const where = `checkpoint manifest ${join(checkpoint.dir, MANIFEST_FILE)}`;
  if (stats === null) {
    if (encoder.rms !== undefined) throw new CheckpointError(`${where}: observationStats is null, but hyperparameters.normObs is true`);
    return;
  }
  if (encoder.rms === undefined) throw new CheckpointError(`${where}: observationStats is given, but hyperparameters.normObs is false`);
  if (stats.mean.length !== encoder.dim || stats.var.length !== encoder.dim) {
    throw new CheckpointError(`${where}: observationStats.mean and .var have ${stats.mean.length} and ${stats.var.length} values; the observation space flattens to ${encoder.dim}`);
  }
  encoder.loadStats(stats);
}

/**
 * The Adam state a run resumes from: `counters.adamStep` and the arrays `adam.m` and `adam.v` of
 * `size` values each. The second moments are running means of squares: a negative one is
 * corruption (the update floors it to 0 and then steps by up to the learning rate over epsilon).
 */
export function requireAdamState(checkpoint: LoadedCheckpoint, size: number): FlatAdamState {
  const step = checkpoint.manifest.counters['adamStep'];
  if (step === undefined) throw new CheckpointError(`checkpoint ${checkpoint.dir}: counters.adamStep is missing`);
  const v = requireArray(checkpoint, 'adam.v', size);
  const negative = v.findIndex((x) => x < 0);
  if (negative >= 0) throw new CheckpointError(`checkpoint file ${join(checkpoint.dir, STATE_FILE)}: array 'adam.v' has value ${v[negative]} at index ${negative} (Adam's second moments must be >= 0)`);
  return { step, m: requireArray(checkpoint, 'adam.m', size), v };
}

/** The array `name` of a loaded checkpoint with exactly `length` elements, or a clear error. */
function requireArray(checkpoint: LoadedCheckpoint, name: string, length: number): Float32Array {
  const values = checkpoint.arrays[name];
  if (values === undefined) throw new CheckpointError(`checkpoint ${checkpoint.dir} has no array '${name}'`);
  if (values.length !== length) throw new CheckpointError(`checkpoint ${checkpoint.dir}: array '${name}' has ${values.length} values, expected ${length}`);
  return values;
}
