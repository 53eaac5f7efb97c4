/**
 * Orthogonal weight initialisation (Saxe et al. 2014) as torch.nn.init.orthogonal_, which CleanRL
 * and Stable-Baselines3 use: a Gaussian matrix orthonormalised by QR with the signs of R's diagonal
 * folded in, times `gain`. Computed in JS from a seeded stream so initial weights are reproducible.
 */
import type { Rng } from '../../env/core/rng.ts';
import { standardNormal } from './random.ts';

/**
 * A `[fanIn, fanOut]` kernel (TF.js layout, the transpose of torch's `[out, in]` weight) whose
 * rows or columns, whichever are fewer, are orthonormal, scaled by `gain`.
 */
export function orthogonalKernel(fanIn: number, fanOut: number, gain: number, rng: Rng): Float32Array {
  // Orthonormalise the columns of a tall rows x cols Gaussian matrix (modified Gram-Schmidt, whose
  // R has a positive diagonal, i.e. torch's q * sign(diag(r))).
  const rows = Math.max(fanIn, fanOut);
  const cols = Math.min(fanIn, fanOut);
  const a = new Float64Array(rows * cols); // column-major: column c at [c * rows, (c + 1) * rows)
  for (let i = 0; i < a.length; i++) a[i] = standardNormal(rng);
  for (let c = 0; c < cols; c++) {
    const col = c * rows;
    for (let p = 0; p < c; p++) {
      const prev = p * rows;
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += a[col + r]! * a[prev + r]!;
      for (let r = 0; r < rows; r++) a[col + r]! -= dot * a[prev + r]!;
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += a[col + r]! * a[col + r]!;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) a[col + r]! /= norm;
  }
  const kernel = new Float32Array(fanIn * fanOut); // row-major [fanIn, fanOut]
  for (let i = 0; i < fanIn; i++) {
    for (let o = 0; o < fanOut; o++) {
      // Tall matrix index (r, c): fanIn >= fanOut -> r = i, c = o; else r = o, c = i.
      const value = fanIn >= fanOut ? a[o * rows + i]! : a[i * rows + o]!;
      kernel[i * fanOut + o] = gain * value;
    }
  }
  return kernel;
}
