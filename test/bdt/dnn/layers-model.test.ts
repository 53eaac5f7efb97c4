import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { getBuiltinDnn, profileFromLayersModel, profileFromSpec, type DnnProfile, type DnnSpecInput } from '../../../env/bdt/dnn/index.ts';

/** The per-unit numbers two profiles must share (names aside). */
function counts(profile: DnnProfile) {
  return profile.units.map((u) => ({ macs: u.macs, otherOps: u.otherOps, flops: u.flops, outputShapes: u.outputShapes, outputBits: u.outputBits }));
}

describe('DNN profiles from tfjs LayersModels', () => {
  let tensorsBefore = 0;
  beforeEach(() => {
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => {
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the test leaked tensors');
  });

  it('a sequential 2-D conv net equals the spec path, unit by unit, under both FLOP conventions', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, useBias: false }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'relu6' }),
        tf.layers.separableConv2d({ kernelSize: 1, filters: 12 }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const spec: DnnSpecInput = {
      name: 'probe',
      inputShape: [16, 16, 3],
      units: [
        { name: 'conv', layers: [{ kind: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool2d', pool: 2 }] },
        { name: 'dw', layers: [{ kind: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, bias: false }, { kind: 'batchNorm' }, { kind: 'activation', fn: 'relu6' }] },
        { name: 'sep', layers: [{ kind: 'depthwiseConv2d', kernel: 1, bias: false }, { kind: 'conv2d', filters: 12, kernel: 1 }, { kind: 'avgPool2d', pool: 2 }] },
        { name: 'fc', layers: [{ kind: 'flatten' }, { kind: 'dense', units: 10 }, { kind: 'activation', fn: 'softmax' }] },
      ],
    };
    const units = [
      { name: 'conv', layers: 2 },
      { name: 'dw', layers: 3 },
      { name: 'sep', layers: 2 },
      { name: 'fc', layers: 3 },
    ];
    try {
      for (const flopsConvention of ['macs', 'macs+elementwise'] as const) {
        const fromModel = profileFromLayersModel(model, { units, flopsConvention });
        const fromSpec = profileFromSpec(spec, { flopsConvention });
        assert.deepEqual(counts(fromModel), counts(fromSpec));
        assert.equal(fromModel.inputBits, fromSpec.inputBits);
        assert.equal(fromModel.totalFlops, fromSpec.totalFlops);
      }
      assert.ok(profileFromSpec(spec).totalMacs > 0);
      // Without a grouping, every layer is its own unit.
      const perLayer = profileFromLayersModel(model);
      assert.equal(perLayer.units.length, 10);
      assert.equal(perLayer.units[0]?.name, model.layers[0]?.name);
      assert.equal(perLayer.totalMacs, profileFromSpec(spec).totalMacs);
    } finally {
      model.dispose();
    }
  });

  it('counts the depth multiplier of SeparableConv2D (absent from its tfjs config) and DepthwiseConv2D', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }),
        tf.layers.separableConv2d({ kernelSize: 2, filters: 5, depthMultiplier: 3 }),
      ],
    });
    try {
      const profile = profileFromLayersModel(model);
      assert.deepEqual(profile.units.map((u) => u.outputShapes), [[[5, 5, 4]], [[3, 3, 8]], [[2, 2, 5]]]);
      // Depthwise: 3 x 3 x 8 outputs x 9 taps. Separable: 2 x 2 positions x 24 depthwise
      // channels x (4 taps + 5 pointwise filters) = 384 + 480.
      assert.deepEqual(profile.units.map((u) => u.macs), [5 * 5 * 4 * 27, 3 * 3 * 8 * 9, 2 * 2 * 24 * 4 + 2 * 2 * 24 * 5]);
      assert.equal(profile.units[2]?.macs, 864);
    } finally {
      model.dispose();
    }
  });

  it('counts global pooling as the spec path does: an add per input (average), a comparison per input but one per channel (max)', () => {
    const cases = [
      { layer: () => tf.layers.globalAveragePooling2d({ inputShape: [4, 4, 8] }), kind: 'globalAvgPool', inputShape: [4, 4, 8], otherOps: 4 * 4 * 8 },
      { layer: () => tf.layers.globalMaxPooling2d({ inputShape: [4, 4, 8] }), kind: 'globalMaxPool', inputShape: [4, 4, 8], otherOps: (4 * 4 - 1) * 8 },
      { layer: () => tf.layers.globalAveragePooling1d({ inputShape: [10, 6] }), kind: 'globalAvgPool', inputShape: [10, 6], otherOps: 10 * 6 },
      { layer: () => tf.layers.globalMaxPooling1d({ inputShape: [10, 6] }), kind: 'globalMaxPool', inputShape: [10, 6], otherOps: (10 - 1) * 6 },
    ] as const;
    for (const c of cases) {
      const model = tf.sequential({ layers: [c.layer()] });
      try {
        const fromModel = profileFromLayersModel(model, { flopsConvention: 'macs+elementwise' });
        const fromSpec = profileFromSpec({ name: 'pool', inputShape: [...c.inputShape], units: [{ name: 'pool', layers: [{ kind: c.kind }] }] }, { flopsConvention: 'macs+elementwise' });
        assert.deepEqual(counts(fromModel), counts(fromSpec), c.kind);
        assert.deepEqual([fromModel.units[0]!.macs, fromModel.units[0]!.otherOps, fromModel.units[0]!.outputShapes], [0, c.otherOps, [[c.inputShape.at(-1)]]], `${model.layers[0]!.getClassName()}`);
      } finally {
        model.dispose();
      }
    }
    // a vector has no positions to pool over
    assert.throws(() => profileFromSpec({ name: 'pool', inputShape: [8], units: [{ name: 'pool', layers: [{ kind: 'globalAvgPool' }] }] }), /at units\[0\]\.layers\[0\]\.kind: globalAvgPool needs an input shape of rank 2 or 3 \(got \[8\]\)$/);
    // the shape once, as the value (it was also in the rule: `got shape [8] (got [8])`)
    assert.throws(() => profileFromSpec({ name: 'conv', inputShape: [8], units: [{ name: 'c', layers: [{ kind: 'conv2d', filters: 2, kernel: 3 }] }] }), /at units\[0\]\.layers\[0\]\.kind: conv2d needs an input shape of rank 3 \(got \[8\]\)$/);
  });

  it('a tfjs twin of sensor-cnn1d has the built-in profile', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [128, 6], filters: 32, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 2 }),
        tf.layers.conv1d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 2 }),
        tf.layers.conv1d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 6 }),
      ],
    });
    try {
      const units = [2, 2, 2, 2, 1].map((layers, i) => ({ name: `u${i}`, layers }));
      const fromModel = profileFromLayersModel(model, { units, flopsConvention: 'macs+elementwise' });
      assert.deepEqual(counts(fromModel), counts(profileFromSpec(getBuiltinDnn('sensor-cnn1d'), { flopsConvention: 'macs+elementwise' })));
    } finally {
      model.dispose();
    }
  });

  it('a functional ResNet basic block equals the spec basicBlock', () => {
    const input = tf.input({ shape: [8, 8, 4] });
    const conv = (filters: number, kernelSize: number, strides: number) => tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false });
    const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
    let body = apply(conv(8, 3, 2), input);
    body = apply(tf.layers.batchNormalization(), body);
    body = apply(tf.layers.reLU(), body);
    body = apply(conv(8, 3, 1), body);
    body = apply(tf.layers.batchNormalization(), body);
    const shortcut = apply(tf.layers.batchNormalization(), apply(conv(8, 1, 2), input));
    const output = apply(tf.layers.reLU(), apply(tf.layers.add(), [body, shortcut]));
    const model = tf.model({ inputs: input, outputs: output });
    try {
      const fromModel = profileFromLayersModel(model, { units: [{ name: 'block', layers: 9 }], flopsConvention: 'macs+elementwise' });
      const fromSpec = profileFromSpec(
        { name: 'block', inputShape: [8, 8, 4], units: [{ name: 'block', layers: [{ kind: 'basicBlock', filters: 8, stride: 2 }] }] },
        { flopsConvention: 'macs+elementwise' },
      );
      assert.deepEqual(counts(fromModel), counts(fromSpec));
    } finally {
      model.dispose();
    }
  });

  it('a cut inside a skip connection sends every tensor still needed after it', () => {
    const input = tf.input({ shape: [6] });
    const a = tf.layers.dense({ units: 5 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 5 }).apply(a) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: sum });
    try {
      const profile = profileFromLayersModel(model, { bitsPerElement: 16 });
      assert.deepEqual(profile.units.map((u) => u.outputShapes), [[[5]], [[5], [5]], [[5]]]);
      assert.deepEqual(profile.units.map((u) => u.outputBits), [80, 160, 80]);
      assert.deepEqual(profile.units.map((u) => u.macs), [30, 25, 0]);
      assert.equal(profile.inputBits, 96);
    } finally {
      model.dispose();
    }
  });

  it('a concatenation of tensors that cross the cut anyway is not sent again (a DenseNet-style graph); a flatten crossing alone keeps its shape', () => {
    const input = tf.input({ shape: [4] });
    const h1 = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const k1 = tf.layers.concatenate().apply([input, h1]) as tf.SymbolicTensor; // 7 elements, made of input and h1
    const h2 = tf.layers.dense({ units: 2 }).apply(k1) as tf.SymbolicTensor;
    const k2 = tf.layers.concatenate().apply([k1, h2]) as tf.SymbolicTensor;
    const h3 = tf.layers.dense({ units: 2 }).apply(h1) as tf.SymbolicTensor; // reads h1 after the cut
    const out = tf.layers.concatenate().apply([k2, h3]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    try {
      const profile = profileFromLayersModel(model);
      // layers: h1, k1, h2, k2, h3, out; after k1: input and h1 (k1 is them), not input + h1 + k1 (14)
      assert.deepEqual(profile.units[1]!.outputShapes, [[4], [3]]);
      // after h2: k1 (read by k2) is input and h1 (h1 read by h3), then h2
      assert.deepEqual(profile.units[2]!.outputShapes, [[4], [3], [2]]);
      assert.deepEqual(profile.units.map((u) => u.outputElements), [7, 7, 9, 9, 11, 11]);
    } finally {
      model.dispose();
    }
    // a skip of the input beside a concatenation that holds a new tensor: the input once, and the new tensor
    const x = tf.input({ shape: [4] });
    const h = tf.layers.dense({ units: 3 }).apply(x) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([x, h]) as tf.SymbolicTensor;
    const head = tf.layers.dense({ units: 2 }).apply(joined) as tf.SymbolicTensor;
    const skip = tf.layers.add().apply([tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor, head]) as tf.SymbolicTensor;
    const partial = tf.model({ inputs: x, outputs: skip });
    try {
      // layers: h, joined, dense(x) or head in some order; after joined: x (read later) and h, not x + joined (11)
      const afterJoined = profileFromLayersModel(partial).units.find((u) => u.name === joined.sourceLayer.name)!;
      assert.deepEqual(afterJoined.outputShapes, [[4], [3]]);
    } finally {
      partial.dispose();
    }
  });

  it('counts a model input that is also a model output at every cut', () => {
    const input = tf.input({ shape: [4] });
    const hidden = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [hidden, input] });
    try {
      assert.deepEqual(profileFromLayersModel(model).units[0]!.outputShapes, [[4], [3]]);
    } finally {
      model.dispose();
    }
  });

  it('refuses a nested model, a model without layers, a causal Conv1D, a dilated DepthwiseConv2D and a bad flopsConvention, saying which', () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
    const x = tf.input({ shape: [4] });
    const outer = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(inner.apply(x)) as tf.SymbolicTensor });
    const empty = tf.model({ inputs: x, outputs: x });
    const causal = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [20, 1], filters: 4, kernelSize: 3, padding: 'causal' })] });
    const dilated = tf.sequential({ layers: [tf.layers.depthwiseConv2d({ inputShape: [11, 11, 2], kernelSize: 3, dilationRate: 2 })] });
    try {
      assert.throws(() => profileFromLayersModel(outer), /^Error: model\.layers '.*' \(Sequential\): is a model used as a layer; nested models are not supported/);
      assert.throws(() => profileFromLayersModel(empty), /the model has no layers besides its inputs: nothing to profile/);
      assert.throws(() => profileFromLayersModel(tf.sequential()), /the model has no layers besides its inputs/);
      assert.throws(() => profileFromLayersModel(causal), /\(Conv1D\): padding 'causal' is not supported/);
      assert.throws(() => profileFromLayersModel(dilated), /\(DepthwiseConv2D\): a dilationRate other than 1 is not supported \(TensorFlow.js ignores it for DepthwiseConv2D\)/);
      assert.throws(() => profileFromLayersModel(inner, { flopsConvention: 'flops' as never }), /^Error: profileFromLayersModel: options.flopsConvention must be one of 'macs', 'macs\+elementwise', got "flops"$/);
      assert.throws(() => profileFromSpec(getBuiltinDnn('sensor-cnn1d'), { flopsConvention: 'flops' as never }), /^Error: profileFromSpec: options.flopsConvention must be one of/);
    } finally {
      for (const model of [outer, empty, causal, dilated]) model.dispose(); // outer disposes inner
    }
  });

  it('refuses unit names and counts of options.units that are not what a spec takes, showing the value as given', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4 }), tf.layers.dense({ units: 2 })] });
    try {
      const refused: Array<[unknown, RegExp]> = [
        [[{ name: '', layers: 2 }], /options.units\[0\].name must be a non-empty string, got ""$/],
        [[{ name: 5, layers: 2 }], /options.units\[0\].name must be a non-empty string, got 5$/],
        [[{ layers: 2 }], /options.units\[0\].name must be a non-empty string, got undefined$/],
        [[{ name: 'a', layers: '2' }], /options.units\[0\].layers must be a positive integer, got "2"$/],
        [[{ name: 'a', layers: 1.5 }, { name: 'b', layers: 0.5 }], /options.units\[0\].layers must be a positive integer, got 1.5$/],
        [[], /options.units must be a non-empty array of \{name, layers\}, got \[\]$/],
        [[null], /options.units\[0\].name must be a non-empty string, got undefined$/],
      ];
      for (const [units, message] of refused) assert.throws(() => profileFromLayersModel(model, { units: units as never }), message, JSON.stringify(units));
    } finally {
      model.dispose();
    }
  });

  it('rejects unsupported layers and groupings that do not cover the model', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 4 }), tf.layers.reshape({ targetShape: [2, 2, 1] }), tf.layers.upSampling2d({ size: [2, 2] })],
    });
    try {
      assert.throws(() => profileFromLayersModel(model), /layer class UpSampling2D is not supported; supported: Conv1D, Conv2D/);
      assert.throws(
        () => profileFromLayersModel(model, { units: [{ name: 'all', layers: 2 }] }),
        /options.units cover 2 layers but the model has 3/,
      );
    } finally {
      model.dispose();
    }
  });

  it('rejects duplicate unit names and a non-finite bitsPerElement, as the spec path does', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4 }), tf.layers.dense({ units: 2 })] });
    try {
      assert.throws(
        () => profileFromLayersModel(model, { units: [{ name: 'x', layers: 1 }, { name: 'x', layers: 1 }] }),
        /options.units\[1\].name: unit name already used by units\[0\] \(got "x"\)/,
      );
      for (const bitsPerElement of [Infinity, NaN, 0]) {
        assert.throws(() => profileFromLayersModel(model, { bitsPerElement }), new RegExp(`bitsPerElement must be a finite number > 0, got ${bitsPerElement}`));
      }
      assert.equal(profileFromLayersModel(model, { bitsPerElement: 8 }).inputBits, 32);
    } finally {
      model.dispose();
    }
  });
});
