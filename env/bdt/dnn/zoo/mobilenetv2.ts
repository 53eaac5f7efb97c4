/**
 * MobileNetV2 as in torchvision (`torchvision.models.mobilenet_v2`, width 1.0, Sandler et al.
 * 2018): a 3x3/2 conv stem (32 filters, BN, ReLU6), 17 inverted residual blocks, a 1x1 conv to
 * 1280 channels (BN, ReLU6), global average pool and a dense classifier. Convs have no bias.
 * Units: the stem, each of the 17 blocks, the last 1x1 conv, pool+fc: 20 units.
 * Total 300.8 M MACs (torchvision: 0.30 GMACs).
 */
import type { DnnSpecInput } from '../spec.ts';

/** torchvision's inverted residual setting: expand ratio t, channels c, repeats n, first stride s. */
const SETTING: ReadonlyArray<readonly [t: number, c: number, n: number, s: number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

const relu6 = { kind: 'activation', fn: 'relu6' } as const;

/** torchvision MobileNetV2 at 224x224x3, 20 units. */
export const mobilenetv2: DnnSpecInput = {
  name: 'mobilenetv2',
  description: 'MobileNetV2 (torchvision, width multiplier 1.0), 224x224x3 RGB input, 1000 ImageNet classes',
  inputShape: [224, 224, 3],
  units: [
    { name: 'stem', layers: [{ kind: 'conv2d', filters: 32, kernel: 3, stride: 2, padding: 1, bias: false }, { kind: 'batchNorm' }, relu6] },
    ...SETTING.flatMap(([t, c, n, s], stage) =>
      Array.from({ length: n }, (_, i) => ({
        name: `block${stage + 1}.${i}`,
        layers: [{ kind: 'invertedResidual' as const, expandRatio: t, filters: c, stride: i === 0 ? s : 1 }],
      })),
    ),
    { name: 'conv_last', layers: [{ kind: 'conv2d', filters: 1280, kernel: 1, bias: false }, { kind: 'batchNorm' }, relu6] },
    { name: 'head', layers: [{ kind: 'globalAvgPool' }, { kind: 'dense', units: 1000 }] },
  ],
};
