/**
 * AlexNet as in torchvision (`torchvision.models.alexnet`, the one-GPU variant of Krizhevsky
 * 2014): five convs with 64-192-384-256-256 filters, three max pools, three dense layers.
 * The adaptive average pool to 6x6 is the identity at 224x224 input and is omitted; dropout is
 * free at inference. Units follow Neurosurgeon: each conv with its ReLU and, where one follows,
 * its pool; each dense layer with its ReLU. Total 714.2 M MACs (torchvision: 0.71 GMACs).
 */
import type { DnnSpecInput } from '../spec.ts';

const relu = { kind: 'relu' } as const;
const pool = { kind: 'maxPool2d', pool: 3, stride: 2 } as const;

/** torchvision AlexNet at 224x224x3, 8 units. */
export const alexnet: DnnSpecInput = {
  name: 'alexnet',
  description: 'AlexNet (torchvision), 224x224x3 RGB input, 1000 ImageNet classes',
  inputShape: [224, 224, 3],
  units: [
    { name: 'conv1', layers: [{ kind: 'conv2d', filters: 64, kernel: 11, stride: 4, padding: 2 }, relu, pool] },
    { name: 'conv2', layers: [{ kind: 'conv2d', filters: 192, kernel: 5, padding: 2 }, relu, pool] },
    { name: 'conv3', layers: [{ kind: 'conv2d', filters: 384, kernel: 3, padding: 1 }, relu] },
    { name: 'conv4', layers: [{ kind: 'conv2d', filters: 256, kernel: 3, padding: 1 }, relu] },
    { name: 'conv5', layers: [{ kind: 'conv2d', filters: 256, kernel: 3, padding: 1 }, relu, pool] },
    { name: 'fc6', layers: [{ kind: 'flatten' }, { kind: 'dense', units: 4096 }, relu] },
    { name: 'fc7', layers: [{ kind: 'dense', units: 4096 }, relu] },
    { name: 'fc8', layers: [{ kind: 'dense', units: 1000 }] },
  ],
};
