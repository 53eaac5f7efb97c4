/**
 * A float32 tensor's values without a fresh copy per read.
 *
 * On the wasm backend `dataSync()` copies the values out of the WebAssembly heap into a new
 * ArrayBuffer (`HEAPU8.slice`). The DQN update downloads ~0.5 MB per gradient step that way
 * (~13 GB over a 50k-step CartPole run); V8 answers such external-memory churn with a scavenge
 * every ~150 ms and, once the heap has grown a little (after ~30k steps, or from the start when
 * metrics are kept), a mark-compact every ~200 ms, which slowed whole runs by 15-20% against the
 * steady state. Here the wasm backend hands out a view into its heap instead (no allocation); other
 * backends fall back to `dataSync()`.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's BackendWasm read here (not in its public typings). */
interface WasmBackendInternals {
  readonly wasm: { readonly HEAPF32: Float32Array };
  readonly dataIdMap: { has(dataId: object): boolean; get(dataId: object): { readonly memoryOffset: number } };
}

function wasmBackend(): WasmBackendInternals | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as Partial<WasmBackendInternals>;
  return backend.wasm?.HEAPF32 !== undefined && backend.dataIdMap !== undefined ? (backend as WasmBackendInternals) : undefined;
}

/**
 * `tensor`'s values (float32), read at once: on wasm a view into the backend's heap, valid only
 * until the next TF.js call (which may reuse or move that memory), so copy or consume it before
 * touching TF.js again; elsewhere `dataSync()`'s copy.
 */
export function tensorValues(tensor: tf.Tensor): Float32Array {
  if (tensor.dtype !== 'float32') throw new Error(`tensorValues: float32 tensors only, got ${tensor.dtype}`);
  const backend = wasmBackend();
  if (backend === undefined || !backend.dataIdMap.has(tensor.dataId)) return tensor.dataSync() as Float32Array;
  const start = backend.dataIdMap.get(tensor.dataId).memoryOffset / Float32Array.BYTES_PER_ELEMENT;
  return backend.wasm.HEAPF32.subarray(start, start + tensor.size);
}
