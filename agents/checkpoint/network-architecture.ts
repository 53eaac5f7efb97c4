/**
 * Checks that a network loaded from a checkpoint has the architecture its manifest states: the
 * networks are Sequential stacks of Dense layers (nn/mlp.ts `buildMlp`), one per hidden width
 * (`hyperparameters.hidden`) with the hidden activation, then one linear output layer (PPO's
 * actor or critic head; DQN's heads, value and advantages, in one layer; see
 * dqn/branching-q-network.ts). An edited manifest otherwise loaded silently, and a resumed run
 * saved the wrong hyperparameters again.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { CheckpointError } from './checkpoint-error.ts';
import { MODEL_FILE } from './manifest.ts';

/** The architecture a checkpoint's manifest implies for one of its networks. */
export interface ExpectedArchitecture {
  /** `hyperparameters.hidden`: the width of each hidden layer. */
  readonly hidden: readonly number[];
  /**
   * The hidden activation and where it comes from: a manifest field (`hyperparameters.activation`),
   * or, for an algorithm without one, the rule (`DQN Q networks use 'relu'`).
   */
  readonly activation: { readonly value: string; readonly field: string } | { readonly value: string; readonly rule: string };
}

function format(values: readonly unknown[]): string {
  return `[${values.join(', ')}]`;
}

function layers(n: number): string {
  return `${n} hidden layer${n === 1 ? '' : 's'}`;
}

/**
 * Throws a CheckpointError unless `model`, the network `name` of the checkpoint in `dir`, has
 * `expected.hidden.length` hidden Dense layers of those widths and activation, then a linear
 * Dense output layer. The message names the checkpoint, the network file, the manifest field,
 * the manifest's value and the saved network's. Disposes nothing: the caller owns `model`.
 */
export function assertNetworkArchitecture(dir: string, name: string, model: tf.LayersModel, expected: ExpectedArchitecture): void {
  const where = `checkpoint ${dir}: network file ${join(name, MODEL_FILE)}`;
  const modelLayers = model.layers;
  modelLayers.forEach((layer, i) => {
    if (layer.getClassName() !== 'Dense') throw new CheckpointError(`${where}: layer ${i} (${layer.name}) is a ${layer.getClassName()}; the networks are stacks of Dense layers`);
  });
  const configs = modelLayers.map((layer) => layer.getConfig());
  const hiddenLayers = configs.slice(0, -1);
  const savedWidths = hiddenLayers.map((config) => config['units']);
  const { hidden } = expected;
  if (hiddenLayers.length !== hidden.length) {
    throw new CheckpointError(`${where} has ${layers(hiddenLayers.length)} ${format(savedWidths)}, but the manifest's hyperparameters.hidden is ${format(hidden)} (${layers(hidden.length)})`);
  }
  hiddenLayers.forEach((config, i) => {
    if (config['units'] !== hidden[i]) {
      throw new CheckpointError(`${where} has ${String(config['units'])} units in hidden layer ${i} (${modelLayers[i]!.name}; the saved hidden layers are ${format(savedWidths)}), but the manifest's hyperparameters.hidden[${i}] is ${hidden[i]}`);
    }
  });
  const { activation } = expected;
  hiddenLayers.forEach((config, i) => {
    if (config['activation'] !== activation.value) {
      const source = 'field' in activation ? `the manifest's ${activation.field} is '${activation.value}'` : activation.rule;
      throw new CheckpointError(`${where} has activation '${String(config['activation'])}' in hidden layer ${i} (${modelLayers[i]!.name}), but ${source}`);
    }
  });
  const output = configs.at(-1);
  if (output !== undefined && output['activation'] !== 'linear') {
    throw new CheckpointError(`${where} has activation '${String(output['activation'])}' in its output layer ${modelLayers.length - 1} (${modelLayers.at(-1)!.name}), but output layers are linear`);
  }
}
