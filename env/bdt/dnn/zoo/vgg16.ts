/**
 * VGG16 as in torchvision (`torchvision.models.vgg16`, configuration D of Simonyan & Zisserman,
 * without batch norm): thirteen 3x3 convs (padding 1) in five stages of 64-128-256-512-512
 * filters, each stage closed by a 2x2 max pool, then three dense layers. The adaptive average
 * pool to 7x7 is the identity at 224x224 input and is omitted; dropout is free at inference.
 * Units: each conv with its ReLU (and the stage's pool after the last conv of a stage); each
 * dense layer with its ReLU: 16 units. Total 15.47 G MACs (torchvision: 15.47 GMACs).
 */
import type { DnnSpecInput } from '../spec.ts';

/** Filters per conv; 0 marks the end of a stage (a 2x2 max pool). */
const CONFIG_D = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

function convUnits(): DnnSpecInput['units'] {
  const units: DnnSpecInput['units'] = [];
  let stage = 1;
  let index = 1;
  for (const filters of CONFIG_D) {
    if (filters === 0) {
      units[units.length - 1]?.layers.push({ kind: 'maxPool2d', pool: 2 });
      stage += 1;
      index = 1;
      continue;
    }
    units.push({ name: `conv${stage}_${index}`, layers: [{ kind: 'conv2d', filters, kernel: 3, padding: 1 }, { kind: 'relu' }] });
    index += 1;
  }
  return units;
}

/** torchvision VGG16 at 224x224x3, 16 units. */
export const vgg16: DnnSpecInput = {
  name: 'vgg16',
  description: 'VGG16 (torchvision, configuration D, no batch norm), 224x224x3 RGB input, 1000 ImageNet classes',
  inputShape: [224, 224, 3],
  units: [
    ...convUnits(),
    { name: 'fc6', layers: [{ kind: 'flatten' }, { kind: 'dense', units: 4096 }, { kind: 'relu' }] },
    { name: 'fc7', layers: [{ kind: 'dense', units: 4096 }, { kind: 'relu' }] },
    { name: 'fc8', layers: [{ kind: 'dense', units: 1000 }] },
  ],
};
