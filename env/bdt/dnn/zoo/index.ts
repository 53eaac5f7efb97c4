/** The built-in DNNs, by name. */
import type { DnnSpecInput } from '../spec.ts';
import { alexnet } from './alexnet.ts';
import { mobilenetv2 } from './mobilenetv2.ts';
import { resnet18 } from './resnet18.ts';
import { sensorCnn1d } from './sensor-cnn1d.ts';
import { vgg16 } from './vgg16.ts';

/** Freezes a spec and everything in it, so callers cannot alter a built-in for everyone. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const BUILTINS = deepFreeze({
  alexnet,
  vgg16,
  resnet18,
  mobilenetv2,
  'sensor-cnn1d': sensorCnn1d,
} as const satisfies Record<string, DnnSpecInput>);

/** Name of a built-in DNN. */
export type BuiltinDnnName = keyof typeof BUILTINS;

/** Names accepted by `getBuiltinDnn`. */
export const builtinDnnNames = Object.keys(BUILTINS) as readonly BuiltinDnnName[];

/** Whether `name` is a built-in DNN. */
export function isBuiltinDnnName(name: string): name is BuiltinDnnName {
  return Object.hasOwn(BUILTINS, name);
}

/** The (frozen) layer spec of built-in DNN `name`; throws, listing the available names, if unknown. */
export function getBuiltinDnn(name: string): DnnSpecInput {
  if (!isBuiltinDnnName(name)) {
    throw new Error(`unknown built-in DNN ${JSON.stringify(name)}; available: ${builtinDnnNames.join(', ')}`);
  }
  return BUILTINS[name];
}
