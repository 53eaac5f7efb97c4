/**
 * A fused, differentiable dense layer `act(x @ kernel + bias)` tuned for the wasm backend, where
 * each op costs tens of microseconds of dispatch and two kernels are slow: matMul with a
 * transposed operand (what matMul's built-in gradient uses; ~10x slower than an explicit
 * transpose then a plain matMul) and tanh (~5x slower than sigmoid). The forward pass uses one
 * fused matMul+bias(+relu) and tanh as 2 sigmoid(2z) - 1; the gradient is written by hand:
 * dz = dy * act'(z), dx = dz @ W^T, dW = x^T @ dz, db = sum(dz).
 *
 * Its two constant scalars (1 and 2) are made at the first use and kept for the process: they stay
 * in `tf.memory()` (2 tensors, 8 bytes) after every trainer and agent is disposed, so a leak check
 * takes its baseline after a first training step (or allows for them).
 */
import * as tf from '@tensorflow/tfjs';

export type DenseActivation = 'tanh' | 'relu' | 'linear';

let constants: { one: tf.Scalar; two: tf.Scalar } | undefined;
/** Scalars reused by every call (uploading a scalar per op costs as much as the op), kept for the process. */
function scalars(): { one: tf.Scalar; two: tf.Scalar } {
  if (constants === undefined || constants.one.isDisposed) {
    constants = tf.tidy(() => ({ one: tf.keep(tf.scalar(1)), two: tf.keep(tf.scalar(2)) }));
  }
  return constants;
}

function makeDense(activation: DenseActivation): (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, kernel, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const { one, two } = scalars();
    let y: tf.Tensor2D;
    if (activation === 'tanh') {
      const s = tf.sigmoid(tf.mul(tf.fused.matMul({ a: x, b: kernel, bias }), two));
      y = tf.sub(tf.mul(s, two), one) as tf.Tensor2D;
    } else {
      y = tf.fused.matMul({ a: x, b: kernel, bias, activation }) as tf.Tensor2D;
    }
    save([x, kernel, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ks, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        let dz = dy;
        if (activation === 'tanh') dz = tf.mul(dy, tf.sub(one, tf.square(ys)));
        else if (activation === 'relu') dz = tf.mul(dy, tf.step(ys));
        return [tf.matMul(dz, tf.transpose(ks)), tf.matMul(tf.transpose(xs), dz), tf.sum(dz, 0)];
      },
    };
  });
}

const denseOps: Record<DenseActivation, (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D> = {
  tanh: makeDense('tanh'),
  relu: makeDense('relu'),
  linear: makeDense('linear'),
};

/** `activation(x @ kernel + bias)`, differentiable in all three inputs. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: DenseActivation): tf.Tensor2D {
  return denseOps[activation](x, kernel, bias);
}
