import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../env/core/rng.ts';
import { Box } from '../../env/spaces/box.ts';
import { initBackend } from '../../agents/backend.ts';
import { ActionLayout } from '../../agents/nn/action-layout.ts';
import { dense } from '../../agents/nn/dense-op.ts';
import { FlatAdam } from '../../agents/nn/flat-adam.ts';
import { HybridDistribution } from '../../agents/nn/hybrid-distribution.ts';
import { JsMlp } from '../../agents/nn/js-mlp.ts';
import { buildMlp, DenseStack } from '../../agents/nn/mlp.ts';
import { MlpBackprop } from '../../agents/nn/mlp-backprop.ts';
import { MultiCategorical } from '../../agents/nn/multi-categorical.ts';
import { orthogonalKernel } from '../../agents/nn/orthogonal.ts';
import { tensorValues } from '../../agents/nn/tensor-values.ts';
import { simdTransposeAvailable, transpose } from '../../agents/nn/transpose.ts';

const near = (a: number, b: number, tol = 1e-4, what = '') => assert.ok(Math.abs(a - b) < tol, `${what} ${a} vs ${b}`);

describe('agents/nn', () => {
  before(async () => {
    await initBackend('wasm');
  });

  describe('orthogonalKernel', () => {
    for (const [fanIn, fanOut] of [[4, 64], [64, 2], [16, 16]] as const) {
      it(`[${fanIn}, ${fanOut}] has orthonormal rows or columns (whichever are fewer) times the gain`, () => {
        const gain = Math.SQRT2;
        const k = orthogonalKernel(fanIn, fanOut, gain, makeRng(3));
        const few = Math.min(fanIn, fanOut);
        const vec = (i: number) => (fanIn <= fanOut ? Array.from({ length: fanOut }, (_, o) => k[i * fanOut + o]!) : Array.from({ length: fanIn }, (_, r) => k[r * fanOut + i]!));
        for (let i = 0; i < few; i++) {
          for (let j = 0; j <= i; j++) {
            const dot = vec(i).reduce((s, x, n) => s + x * vec(j)[n]!, 0);
            near(dot, i === j ? gain * gain : 0, 1e-4, `<${i},${j}>`);
          }
        }
      });
    }

    it('is reproducible from the seed', () => {
      assert.deepEqual(orthogonalKernel(8, 8, 1, makeRng('a')), orthogonalKernel(8, 8, 1, makeRng('a')));
      assert.notDeepEqual(orthogonalKernel(8, 8, 1, makeRng('a')), orthogonalKernel(8, 8, 1, makeRng('b')));
    });
  });

  describe('dense op', () => {
    for (const activation of ['tanh', 'relu', 'linear'] as const) {
      it(`matches tf's own ops and gradients (${activation})`, () => {
        const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
        const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
        const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
        const reference = (xx: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D) => {
          const z = tf.add(tf.matMul(xx, ww), bb);
          return activation === 'tanh' ? tf.tanh(z) : activation === 'relu' ? tf.relu(z) : z;
        };
        const weights = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
        const loss = (f: typeof reference) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), weights)) as tf.Scalar;
        const ours = tf.grads(loss((xx, ww, bb) => dense(xx, ww, bb, activation)))([x, w, b]);
        const theirs = tf.grads(loss(reference))([x, w, b]);
        assert.deepEqual(dense(x, w, b, activation).shape, [5, 4]);
        const yOurs = dense(x, w, b, activation).dataSync();
        reference(x, w, b).dataSync().forEach((v, i) => near(yOurs[i]!, v, 1e-5, 'value'));
        ours.forEach((g, k) => {
          const expected = theirs[k]!.dataSync();
          g.dataSync().forEach((v, i) => near(v, expected[i]!, 1e-4, `grad ${k}[${i}]`));
        });
        tf.dispose([x, w, b, weights, ...ours, ...theirs]);
      });
    }
  });

  describe('tensorValues', () => {
    it('reads what dataSync reads, for computed, reshaped and variable tensors, also after the wasm heap grew', () => {
      const a = tf.tensor2d(new Float32Array(6 * 5).map((_, i) => Math.sin(i)), [6, 5]);
      const product = tf.matMul(a, a, false, true);
      const reshaped = tf.reshape(product, [36]);
      const variable = tf.variable(tf.fill([3, 4], 0.25));
      const expect = (t: tf.Tensor) => assert.deepEqual(Array.from(tensorValues(t)), Array.from(t.dataSync()));
      for (const t of [a, product, reshaped, variable]) expect(t);
      const heap = () => (tf.backend() as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32;
      // a view into the heap, not dataSync's copy (a silent fallback would bring back the GC churn)
      assert.equal(tensorValues(product).buffer, heap().buffer);
      // More floats than the whole heap holds now: WebAssembly memory grows and the old heap views detach.
      const before = heap();
      const big = tf.zeros([before.length]);
      assert.equal(before.length, 0, 'the heap did not grow');
      for (const t of [a, product, reshaped, variable]) expect(t);
      assert.equal(tensorValues(big).length, big.size);
      assert.equal(tensorValues(product).buffer, heap().buffer);
      tf.dispose([a, product, reshaped, variable, big]);
    });

    it('refuses tensors that are not float32', () => {
      const t = tf.tensor1d([1, 2], 'int32');
      assert.throws(() => tensorValues(t), /float32 tensors only, got int32/);
      t.dispose();
    });
  });

  describe('transpose', () => {
    // Sides that are multiples of 4 take the WebAssembly SIMD kernel, the others the JS loop.
    for (const [rows, cols] of [[256, 256], [64, 256], [256, 64], [4, 8], [8, 4], [256, 2], [3, 5], [6, 12]] as const) {
      it(`[${rows}, ${cols}] gives dst[offset + c rows + r] = src[r cols + c] bit for bit, leaving the rest of dst alone`, () => {
        const src = new Float32Array(rows * cols).map((_, i) => Math.sin(i) * 1e3);
        src[1] = -0;
        src[2] = NaN;
        const offset = 3;
        const dst = new Float32Array(offset + rows * cols + 2).fill(7);
        transpose(src, rows, cols, dst, offset);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.ok(Object.is(dst[offset + c * rows + r], src[r * cols + c]), `[${r}, ${c}]`);
        assert.deepEqual([...dst.subarray(0, offset), ...dst.subarray(offset + rows * cols)], [7, 7, 7, 7, 7]);
      });
    }

    it('runs on the SIMD kernel in Node (WebAssembly SIMD is available), so the cases above test it', () => {
      assert.equal(simdTransposeAvailable(), true);
    });

    it('reads only the first rows x cols elements of a longer source', () => {
      const src = Float32Array.from({ length: 4 * 4 + 8 }, (_, i) => i);
      const dst = transpose(src, 4, 4, new Float32Array(16));
      assert.deepEqual(Array.from(dst), [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]);
    });
  });

  describe('JsMlp', () => {
    for (const activation of ['tanh', 'relu'] as const) {
      it(`computes the same outputs as the TF.js forward pass, and follows weight updates (${activation})`, () => {
        const stack = new DenseStack(buildMlp({ name: `jsmlp_${activation}`, inputDim: 5, hidden: [7, 6], outputDim: 3, activation, outputGain: 1 }, makeRng(4)));
        const js = new JsMlp(stack);
        const x = new Float32Array(4 * 5).map((_, i) => Math.sin(i * 1.7));
        const check = () => {
          const expected = tf.tidy(() => stack.apply(tf.tensor2d(x, [4, 5])).dataSync());
          const out = new Float32Array(4 * 3);
          js.forward(x, 4, out);
          expected.forEach((v, i) => near(out[i]!, v, 1e-5, `out[${i}]`));
        };
        check();
        stack.layers[0]!.bias.assign(tf.fill([7], 0.3));
        js.refresh();
        check();
        stack.dispose();
      });
    }
  });

  describe('MlpBackprop', () => {
    // 4 rows through layers of 2 to 70 units: every orientation of every product is used
    // (forward Z^T = W^T A^T and Z = A W, dW and dW^T, dA^T = W dZ^T and dA = dZ W^T), and tanh
    // both in JS and on the backend (more rows than units: [3, 2]).
    for (const [activation, hidden] of [['tanh', [7, 6]], ['relu', [7, 6]], ['tanh', [70, 70]], ['relu', [70, 70]], ['relu', [3, 70]], ['tanh', [3, 2]]] as const) {
      it(`matches TF.js's forward pass and tf.variableGrads, and follows weight updates (${activation}, hidden [${hidden.join(', ')}])`, () => {
        const stack = new DenseStack(buildMlp({ name: `backprop_${activation}_${hidden[0]}`, inputDim: 5, hidden, outputDim: 3, activation, outputGain: 1, init: 'torch' }, makeRng(6)));
        const passes = new MlpBackprop(stack, 8);
        const rows = 4;
        const x = new Float32Array(rows * 5).map((_, i) => Math.sin(i * 1.3));
        // Loss: sum of outputs weighted by w, so dLoss/dOutputs = w.
        const w = new Float32Array(rows * 3).map((_, i) => Math.cos(i * 0.7));
        const check = () => {
          const out = passes.forward(x, rows, new Float32Array(rows * 3));
          const expected = tf.tidy(() => stack.apply(tf.tensor2d(x, [rows, 5])).dataSync());
          expected.forEach((v, i) => near(out[i]!, v, 1e-5, `out[${i}]`));
          const grad = passes.backward(w, new Float32Array(passes.size));
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(stack.apply(tf.tensor2d(x, [rows, 5])), tf.tensor2d(w, [rows, 3]))) as tf.Scalar, stack.variables);
          let offset = 0;
          for (const v of stack.variables) {
            grads[v.name]!.dataSync().forEach((g, i) => near(grad[offset + i]!, g, 1e-4, `${v.name}[${i}]`));
            offset += v.size;
          }
          assert.equal(offset, passes.size);
          tf.dispose([value, ...Object.values(grads)]);
        };
        const before = tf.memory().numTensors;
        check();
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');
        stack.layers[1]!.kernel.assign(tf.fill([hidden[0], hidden[1]], 0.02));
        // Re-read from a flat copy (as the DQN trainer passes FlatAdam's parameters).
        const flat = new Float32Array(passes.size);
        let at = 0;
        for (const v of stack.variables) {
          flat.set(v.dataSync(), at);
          at += v.size;
        }
        passes.refresh(flat);
        assert.throws(() => passes.refresh(new Float32Array(3)), /3 parameters given/);
        check();
        assert.throws(() => passes.backward(w, new Float32Array(passes.size)), /no forward pass/);
        assert.throws(() => passes.forward(x, 9, new Float32Array(27)), /rows must be in \[1, 8\], got 9/);
        passes.dispose();
        stack.dispose();
      });
    }
  });

  describe('MultiCategorical', () => {
    /** The former padding: logits @ select + bias, a 0/1 selection matMul (the reference the gather must equal). */
    function selectionLogProbAndEntropy(nvec: number[], logits: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
      const maxN = Math.max(...nvec);
      const logitDim = nvec.reduce((a, b) => a + b, 0);
      const width = nvec.length * maxN;
      const select = new Float32Array(logitDim * width);
      const bias = new Float32Array(width);
      let offset = 0;
      nvec.forEach((n, d) => {
        for (let k = 0; k < maxN; k++) {
          if (k < n) select[(offset + k) * width + d * maxN + k] = 1;
          else bias[d * maxN + k] = -1e9;
        }
        offset += n;
      });
      const grid = tf.add(tf.matMul(logits, tf.tensor2d(select, [logitDim, width])), tf.tensor1d(bias));
      const logp = tf.logSoftmax(tf.reshape(grid, [logits.shape[0], nvec.length, maxN]) as tf.Tensor3D);
      const logProb = tf.sum(tf.mul(tf.oneHot(actions, maxN), logp), [1, 2]) as tf.Tensor1D;
      const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), [1, 2])) as tf.Tensor1D;
      return { logProb, entropy };
    }

    it('pads unequal dimensions by a gather whose values and logit gradients equal the selection matMul, bit for bit', () => {
      const rng = makeRng(3);
      const nvec = Array.from({ length: 30 }, () => 1 + Math.floor(rng() * 9));
      nvec[4] = 9; // a widest dimension for sure, and one of size 1
      nvec[5] = 1;
      const dist = new MultiCategorical(nvec);
      const rows = 6;
      const logitValues = Float32Array.from({ length: rows * dist.logitDim }, () => (rng() - 0.5) * 20);
      const actionValues = Int32Array.from({ length: rows * nvec.length }, (_, i) => Math.floor(rng() * nvec[i % nvec.length]!));
      const before = tf.memory().numTensors;
      const run = (form: typeof selectionLogProbAndEntropy) =>
        tf.tidy(() => {
          const actions = tf.tensor2d(actionValues, [rows, nvec.length], 'int32');
          // a loss that weighs both outputs, so the gradient exercises both paths through the padding
          const lossOf = (logits: tf.Tensor) => {
            const { logProb, entropy } = form(nvec, logits as tf.Tensor2D, actions);
            return tf.sum(tf.add(tf.mul(logProb, tf.linspace(1, 2, rows)), tf.mul(entropy, 0.3)));
          };
          const { value, grad } = tf.valueAndGrad(lossOf)(tf.tensor2d(logitValues, [rows, dist.logitDim]));
          const { logProb, entropy } = form(nvec, tf.tensor2d(logitValues, [rows, dist.logitDim]), actions);
          return { loss: value.dataSync()[0]!, grad: grad.dataSync() as Float32Array, logProb: logProb.dataSync() as Float32Array, entropy: entropy.dataSync() as Float32Array };
        });
      const gathered = run((_, logits, actions) => dist.logProbAndEntropy(logits, actions));
      const selected = run(selectionLogProbAndEntropy);
      assert.deepEqual(gathered.logProb, selected.logProb);
      assert.deepEqual(gathered.entropy, selected.entropy);
      assert.equal(gathered.loss, selected.loss);
      assert.deepEqual(gathered.grad, selected.grad);
      assert.ok(gathered.grad.some((g) => g !== 0), 'the gradient reaches the logits');
      assert.equal(tf.memory().numTensors, before, 'no tensor outlives the tidy');
    });
  });

  describe('HybridDistribution', () => {
    it('log-probabilities and entropies are sums over categorical and Gaussian parts (tf equals JS)', () => {
      const dist = new HybridDistribution([3, 2], 2); // head = 5 logits + 2 means
      assert.equal(dist.headDim, 7);
      const head = Float32Array.of(0.1, 0.5, -0.3, 1.0, -1.0, 0.2, -0.4, /* row 2 */ 2, 0, 0, 0, 0, 1, 1);
      const logStd = Float32Array.of(-0.5, 0.3);
      const discrete = new Int32Array(4);
      const continuous = new Float32Array(4);
      const logProb = new Float32Array(2);
      dist.sample(head, logStd, 2, makeRng(7), discrete, continuous, logProb);
      const [lp, ent] = tf.tidy(() => {
        const r = dist.logProbAndEntropy(tf.tensor2d(head, [2, 7]), tf.tensor1d(logStd), tf.tensor2d(discrete, [2, 2], 'int32'), tf.tensor2d(continuous, [2, 2]));
        return [r.logProb.dataSync(), r.entropy.dataSync()];
      });
      // Hand computation for row 0.
      const lse = (xs: number[]) => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
      const cats = [[0.1, 0.5, -0.3], [1.0, -1.0]];
      let expected = 0;
      let entropy = 0;
      cats.forEach((logits, d) => {
        const z = lse(logits);
        expected += logits[discrete[d]!]! - z;
        entropy -= logits.reduce((s, l) => s + Math.exp(l - z) * (l - z), 0);
      });
      [0.2, -0.4].forEach((mean, c) => {
        const sd = Math.exp(logStd[c]!);
        expected += -0.5 * ((continuous[c]! - mean) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
        entropy += 0.5 + 0.5 * Math.log(2 * Math.PI) + logStd[c]!;
      });
      near(lp![0]!, expected, 1e-4, 'tf logprob');
      near(logProb[0]!, expected, 1e-4, 'js logprob');
      near(logProb[1]!, lp![1]!, 1e-4, 'row 1');
      near(ent![0]!, entropy, 1e-4, 'entropy');
    });

    it('gives each dimension its log-probability (tf equals JS), summing to the joint one, with the joint entropy', () => {
      const dist = new HybridDistribution([3, 2], 2);
      const head = Float32Array.of(0.1, 0.5, -0.3, 1.0, -1.0, 0.2, -0.4, /* row 2 */ 2, 0, 0, 0, 0, 1, 1);
      const logStd = Float32Array.of(-0.5, 0.3);
      const discrete = new Int32Array(4);
      const continuous = new Float32Array(4);
      const logProb = new Float32Array(2);
      const perDimension = new Float32Array(2 * 4);
      dist.sample(head, logStd, 2, makeRng(7), discrete, continuous, logProb, perDimension);
      const jointAlone = new Float32Array(2);
      dist.sample(head, logStd, 2, makeRng(7), new Int32Array(4), new Float32Array(4), jointAlone);
      assert.deepEqual(logProb, jointAlone, 'asking for the dimensions changes neither the draws nor the joint log-probability');
      const before = tf.memory().numTensors;
      const [perDimensionTf, entropy, joint] = tf.tidy(() => {
        const args = [tf.tensor2d(head, [2, 7]), tf.tensor1d(logStd), tf.tensor2d(discrete, [2, 2], 'int32'), tf.tensor2d(continuous, [2, 2])] as const;
        const r = dist.logProbPerDimensionAndEntropy(...args);
        assert.deepEqual(r.logProb.shape, [2, 4]);
        const j = dist.logProbAndEntropy(...args);
        return [r.logProb.dataSync(), r.entropy.dataSync(), j.entropy.dataSync()];
      });
      assert.equal(tf.memory().numTensors, before, 'no tensor outlives the tidy');
      // row 0, dimension by dimension, by hand
      const lse = (xs: number[]) => Math.log(xs.reduce((sum, x) => sum + Math.exp(x), 0));
      const cats = [[0.1, 0.5, -0.3], [1.0, -1.0]];
      const expected = cats.map((logits, d) => logits[discrete[d]!]! - lse(logits));
      [0.2, -0.4].forEach((mean, c) => expected.push(-0.5 * ((continuous[c]! - mean) / Math.exp(logStd[c]!)) ** 2 - logStd[c]! - 0.5 * Math.log(2 * Math.PI)));
      expected.forEach((value, k) => {
        near(perDimensionTf![k]!, value, 1e-4, `tf dimension ${k}`);
        near(perDimension[k]!, value, 1e-4, `js dimension ${k}`);
      });
      for (let row = 0; row < 2; row++) {
        const sum = (values: ArrayLike<number>) => Array.from({ length: 4 }, (_, k) => values[row * 4 + k]!).reduce((a, b) => a + b, 0);
        near(sum(perDimension), logProb[row]!, 1e-5, `row ${row}'s dimensions sum to its joint log-probability`);
      }
      assert.deepEqual(entropy, joint);
    });

    it('acts deterministically with argmax and mean when no stream is given', () => {
      const dist = new HybridDistribution([3], 1);
      const discrete = new Int32Array(1);
      const continuous = new Float32Array(1);
      dist.sample(Float32Array.of(0, 3, 1, 0.25), Float32Array.of(0), 1, undefined, discrete, continuous, new Float32Array(1));
      assert.equal(discrete[0], 1);
      near(continuous[0]!, 0.25, 1e-7);
    });

    it('samples categories with their probabilities', () => {
      const dist = new HybridDistribution([2], 0);
      const logits = Float32Array.of(0, Math.log(3)); // p = [0.25, 0.75]
      const out = new Int32Array(1);
      const rng = makeRng(11);
      let ones = 0;
      for (let i = 0; i < 4000; i++) {
        dist.sample(logits, undefined, 1, rng, out, new Float32Array(0), new Float32Array(1));
        ones += out[0]!;
      }
      near(ones / 4000, 0.75, 0.03, 'frequency');
    });
  });

  describe('FlatAdam', () => {
    it('takes torch-Adam steps and clips the global gradient norm', () => {
      const v = tf.variable(tf.tensor1d([1, -2]), true, 'flat_adam_test_v');
      const opt = new FlatAdam([v], { learningRate: 0.1, maxGradNorm: 1 });
      // Gradient (3, 4) has norm 5 -> clipped to (0.6, 0.8); Adam's first step moves each weight by lr * sign.
      const norm = opt.applyGradients({ [v.name]: tf.tensor1d([3, 4]) });
      near(norm, 5, 1e-6);
      const after = v.dataSync();
      near(after[0]!, 0.9, 1e-5);
      near(after[1]!, -2.1, 1e-5);
      const state = opt.getState();
      near(state.m[0]!, 0.1 * 0.6, 1e-6);
      near(state.v[1]!, 0.001 * 0.64, 1e-7);
      assert.throws(() => opt.setState({ step: 1, m: new Float32Array(3), v: new Float32Array(3) }), /3 moments, the networks have 2 parameters/);
      v.dispose();
    });

    it('WebAssembly SIMD and JS update loops agree over many clipped steps with zero gradients', () => {
      const shape = [7, 5];
      const variables = [0, 1].map((k) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 7), true, `flat_adam_loop_${k}`));
      const [simd, js] = variables.map((v, k) => new FlatAdam([v], { learningRate: 0.01, maxGradNorm: 3, simd: k === 0 }));
      const rng = makeRng(12);
      for (let step = 0; step < 30; step++) {
        // A third of the entries stay 0 (dead units), some steps are clipped.
        const g = new Float32Array(35).map((_, i) => (i % 3 === 0 ? 0 : (rng() - 0.5) * (step % 4 === 0 ? 10 : 1)));
        near(simd!.applyFlatGradient(g), js!.applyFlatGradient(g), 1e-5, 'norm');
      }
      const [a, b] = variables.map((v) => v.dataSync());
      a!.forEach((x, i) => near(x, b![i]!, 1e-5, `param ${i}`));
      simd!.getState().m.forEach((x, i) => near(x, js!.getState().m[i]!, 1e-6, `m ${i}`));
      assert.throws(() => simd!.applyFlatGradient(new Float32Array(3)), /gradient has 3 elements, the parameters 35/);
      tf.dispose(variables);
    });

    it('rejects non-finite gradients', () => {
      const v = tf.variable(tf.tensor1d([1]), true, 'flat_adam_nan_v');
      const opt = new FlatAdam([v], { learningRate: 0.1 });
      assert.throws(() => opt.applyGradients({ [v.name]: tf.tensor1d([NaN]) }), /gradient norm is NaN/);
      v.dispose();
    });
  });

  describe('ActionLayout', () => {
    it('maps the network range [-1, 1] into a float64 Box, never one ulp past a bound', () => {
      // -1 + 1.3 = 0.30000000000000004 in float64: the env refused the top of Box(-1, 0.3).
      for (const [low, high] of [[-1, 0.3], [0.1, 0.7], [-0.7, -0.1], [1e-3, 1.1]] as const) {
        const box = new Box<Float64Array>(low, high, { shape: [1], dtype: 'float64' });
        const layout = new ActionLayout(box);
        const ends = [-1, 1].map((z) => (layout.toEnv(new Int32Array(0), Float32Array.of(z), 0) as Float64Array)[0]);
        assert.deepEqual(ends, [low, high], `Box(${low}, ${high})`);
        for (let z = -1.5; z <= 1.5; z += 1 / 64) {
          const action = layout.toEnv(new Int32Array(0), Float32Array.of(z), 0);
          assert.ok(box.contains(action), `Box(${low}, ${high}) network ${z}: ${String(action)}`);
        }
      }
    });
  });
});
