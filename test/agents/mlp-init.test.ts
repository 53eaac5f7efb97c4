import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { buildMlp } from '../../agents/nn/mlp.ts';
import { makeRng } from '../../env/core/rng.ts';

describe("agents/nn buildMlp init 'torch'", () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('draws kernels and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch nn.Linear)', () => {
    const model = buildMlp({ name: 'torch_init', inputDim: 16, hidden: [64], outputDim: 2, activation: 'relu', outputGain: 1, init: 'torch' }, makeRng(4));
    const fanIns = [16, 64];
    model.layers.forEach((layer, i) => {
      const bound = 1 / Math.sqrt(fanIns[i]!);
      const [kernel, bias] = layer.getWeights().map((w) => Array.from(w.dataSync()));
      for (const values of [kernel!, bias!]) {
        assert.ok(values.every((v) => Math.abs(v) <= bound), `layer ${i}: a value outside +-${bound}`);
        assert.ok(values.some((v) => v !== 0), `layer ${i}: all zero`);
      }
      // Uniform on [-b, b] has standard deviation b / sqrt(3).
      const std = Math.sqrt(kernel!.reduce((s, v) => s + v * v, 0) / kernel!.length);
      assert.ok(Math.abs(std / (bound / Math.sqrt(3)) - 1) < 0.1, `layer ${i}: std ${std}`);
    });
    model.dispose();
  });
});
