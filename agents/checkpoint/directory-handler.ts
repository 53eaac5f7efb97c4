/**
 * A TF.js IOHandler that saves and loads a LayersModel as the standard `model.json` +
 * `weights.bin` pair in a directory, with node:fs (the `file://` scheme needs tfjs-node, which
 * may be absent). The files are the Layers format, so `tf.loadLayersModel` reads them through
 * this handler — or through `file://` where tfjs-node is installed.
 *
 * @example
 * await model.save(directoryHandler('runs/actor'));
 * const same = await tf.loadLayersModel(directoryHandler('runs/actor'));
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as z from 'zod';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { MODEL_FILE, parseCheckpointPart, WEIGHTS_FILE } from './manifest.ts';
import { readCheckpointFile } from './checkpoint-files.ts';

/** Index of the first NaN or infinite value in `values`, or -1 when all are finite. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Whether a weights path of model.json names a file in the model's directory (no separator, not `.` or `..`). */
function isFileName(path: string): boolean {
  return path !== '' && path !== '.' && path !== '..' && !/[/\\]/.test(path);
}

/** Bytes per element of the weight dtypes a model.json may give (TF.js stores both as 4-byte values). */
const DTYPE_BYTES = { float32: 4, int32: 4 } as const;

/** One weight of a weights group: its variable's name, shape and dtype. */
const WeightSpecSchema = z
  .object({
    name: z.string().min(1),
    shape: z.array(z.int().min(0)),
    dtype: z.enum(Object.keys(DTYPE_BYTES) as [keyof typeof DTYPE_BYTES]),
  })
  .strict(); // a quantization (or other unknown) key would change how the bytes read

/**
 * The part of a Layers model.json that loading relies on: a topology TF.js can deserialize (its
 * class and config), and the weights groups (files and the weights they hold, in order). Checked
 * before TF.js sees it, which otherwise fails with raw JavaScript errors (`spec.shape.reduce is
 * not a function`, `Cannot read properties of undefined`).
 */
const ModelJsonSchema = z.object({
  modelTopology: z.looseObject({ class_name: z.string().min(1), config: z.looseObject({}) }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()).min(1), weights: z.array(WeightSpecSchema) })),
});

/**
 * A TF.js IO handler for a Layers model in `dir` (model.json and its weights files). With
 * `onlyWeightsFile`, loading refuses a model.json naming any weights file but `weights.bin`, as
 * a checkpoint's network has (its manifest checksums that one file only).
 */
export function directoryHandler(dir: string, { onlyWeightsFile = false } = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('directoryHandler: binary model topologies are not supported');
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      // Weights first: a model.json on disk always refers to complete weights.
      writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
      writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const { modelJson, specs, weightData } = readLayersModel(dir, onlyWeightsFile);
      return tf.io.getModelArtifactsForJSON(modelJson, async () => [specs, weightData]);
    },
  };
}

/**
 * The Layers model in `dir` as {@link directoryHandler}'s `load` reads it, checked (see there), its
 * weights all finite; a CheckpointError naming the file otherwise. Without TensorFlow.js's backend.
 */
function readLayersModel(dir: string, onlyWeightsFile: boolean): { modelJson: tf.io.ModelJSON; specs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const path = join(dir, MODEL_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readCheckpointFile(path).toString('utf8'));
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`cannot read model ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const modelJson = parseCheckpointPart(ModelJsonSchema, parsed, `model ${path} is not a valid TF.js Layers model.json`);
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const outside = paths.find((p) => !isFileName(p));
  if (outside !== undefined) throw new CheckpointError(`model ${path} names weights file ${JSON.stringify(outside)}, which is not a file name in ${dir}`);
  // a checkpoint's network as save writes it: one weights file, the one the manifest's checksum
  // covers (another would be read unchecked)
  if (onlyWeightsFile && (paths.length !== 1 || paths[0] !== WEIGHTS_FILE)) throw new CheckpointError(`model ${path} names weights files ${JSON.stringify(paths)}; a checkpoint's network has one, ${JSON.stringify([WEIGHTS_FILE])}`);
  const buffers = paths.map((p) => readCheckpointFile(join(dir, p)));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  const expectedBytes = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[spec.dtype], 0);
  if (weightData.byteLength !== expectedBytes) {
    throw new CheckpointError(`weights of ${path} (${paths.join(', ')}) have ${weightData.byteLength} bytes, its weightsManifest describes ${expectedBytes}`);
  }
  // NaN or infinite weights load without complaint but give NaN actions, or normal-looking ones.
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'float32') {
      const values = new Float32Array(weightData, offset, size);
      const bad = firstNonFinite(values);
      if (bad >= 0) throw new CheckpointError(`weights ${paths.map((p) => join(dir, p)).join(', ')}: weight '${spec.name}' [${spec.shape.join(', ')}] has value ${values[bad]} at index ${bad} (must be finite)`);
    }
    offset += size * DTYPE_BYTES[spec.dtype];
  }
  return { modelJson: parsed as tf.io.ModelJSON, specs, weightData };
}
