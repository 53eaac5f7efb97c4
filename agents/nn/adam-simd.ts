/**
 * The Adam update loop as a tiny hand-assembled WebAssembly module with 128-bit SIMD (four
 * float32 lanes per instruction). In plain JS the loop over ~10^5 parameters costs about as much
 * as a 256x256 matMul on this backend (scalar float64 maths, a float32 conversion per load and
 * store); here it is a few vector instructions per four parameters, in float32 as torch computes.
 *
 * Per element, with gradient g (already scaled by the clipping factor `scale`):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  (each flushed to 0 below `tiny`)
 *   p = p - stepSize m / (sqrt(v) vCorrection + eps)
 *
 * `sumSquares` gives the squared gradient norm for clipping the same way. The parameters,
 * moments and gradient live in the module's memory; {@link AdamSimd.create}
 * returns undefined where WebAssembly SIMD is unavailable, and FlatAdam then loops in JS.
 */
import { BLOCK, BR, BR_IF, END, HEADER, I32, I32_ADD, I32_CONST, I32_GE_U, instantiate, leb, LOCAL_GET, LOCAL_SET, LOOP, name, section, SIMD, V128, vec, VOID } from './wasm-bytes.ts';

/** Float32 views on the module's memory, each `padded` long (a multiple of 4, zero tail). */
export interface AdamSimdBuffers {
  readonly gradient: Float32Array;
  readonly params: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

type SumSquaresExport = (gradient: number, bytes: number) => number;

type AdamExport = (
  gradient: number, params: number, m: number, v: number, bytes: number,
  scale: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number,
  stepSize: number, vCorrection: number, eps: number, tiny: number,
) => void;

export class AdamSimd {
  private readonly run: AdamExport;
  private readonly sumSquaresOfGradient: SumSquaresExport;
  readonly buffers: AdamSimdBuffers;
  private readonly bytes: number;

  private constructor(
    run: AdamExport,
    sumSquaresOfGradient: SumSquaresExport,
    buffers: AdamSimdBuffers,
    bytes: number,
  ) {
    this.run = run;
    this.sumSquaresOfGradient = sumSquaresOfGradient;
    this.buffers = buffers;
    this.bytes = bytes;
  }

  /** A kernel for `size` parameters, or undefined without WebAssembly SIMD. */
  static create(size: number): AdamSimd | undefined {
    const padded = Math.ceil(size / 4) * 4;
    const bytes = padded * 4;
    const pages = Math.ceil((4 * bytes) / 65536) || 1;
    const exports = instantiate(adamModule(pages));
    if (exports === undefined) return undefined;
    const memory = exports['memory'] as { buffer: ArrayBuffer };
    const view = (k: number) => new Float32Array(memory.buffer, k * bytes, padded);
    return new AdamSimd(exports['adam'] as AdamExport, exports['sumSquares'] as SumSquaresExport, { gradient: view(0), params: view(1), m: view(2), v: view(3) }, bytes);
  }

  /** Sum of squares of `buffers.gradient` (float32, four lanes summed at the end). */
  gradientSumSquares(): number {
    return this.sumSquaresOfGradient(0, this.bytes);
  }

  /** One update of every parameter from `buffers.gradient`. */
  update(scale: number, b1: number, b2: number, stepSize: number, vCorrection: number, eps: number, tiny: number): void {
    const b = this.bytes;
    this.run(0, b, 2 * b, 3 * b, b, scale, b1, 1 - b1, b2, 1 - b2, stepSize, vCorrection, eps, tiny);
  }
}

// Opcodes of this module only (the shared ones are in wasm-bytes.ts).
const F32 = 0x7d;
const simd = (op: number): number[] => [SIMD, ...leb(op)];
const V128_LOAD = (): number[] => [...simd(0x00), 4, 0]; // memarg: align 2^4, offset 0
const V128_STORE = (): number[] => [...simd(0x0b), 4, 0];
const F32X4_SPLAT = simd(0x13);
const F32X4_EXTRACT_LANE = (lane: number): number[] => [...simd(0x1f), lane];
const F32_ADD = 0x92;
const F32X4_GE = simd(0x46);
const V128_AND = simd(0x4e);
const F32X4_ABS = simd(0xe0);
const F32X4_SQRT = simd(0xe3);
const F32X4_ADD = simd(0xe4);
const F32X4_SUB = simd(0xe5);
const F32X4_MUL = simd(0xe6);
const F32X4_DIV = simd(0xe7);

/** The module: memory of `pages` 64 KiB pages, `adam(...)` (see {@link AdamExport}) and `sumSquares`. */
function adamModule(pages: number): Uint8Array {
  // Parameters 0-4: i32 offsets of gradient, params, m, v and the byte count; 5-13: f32 scalars.
  const [G, P, M, V, BYTES] = [0, 1, 2, 3, 4];
  const [SCALE, B1, C1, B2, C2, STEP, VCORR, EPS, TINY] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  // Locals: 14 = i32 byte offset; 15.. = v128 splats of the scalars, then working vectors.
  const I = 14;
  const splat = (param: number) => 15 + (param - SCALE); // 15..23
  const [vg, vm, vv] = [24, 25, 26];
  const at = (base: number) => [LOCAL_GET, base, LOCAL_GET, I, I32_ADD];
  const get = (local: number) => [LOCAL_GET, local];
  const set = (local: number) => [LOCAL_SET, local];

  const body = [
    ...[SCALE, B1, C1, B2, C2, STEP, VCORR, EPS, TINY].flatMap((p) => [...get(p), ...F32X4_SPLAT, ...set(splat(p))]),
    I32_CONST, 0, ...set(I),
    BLOCK, VOID, LOOP, VOID,
    ...get(I), ...get(BYTES), I32_GE_U, BR_IF, 1,
    // g = load(G) * scale
    ...at(G), ...V128_LOAD(), ...get(splat(SCALE)), ...F32X4_MUL, ...set(vg),
    // m = b1 * load(M) + c1 * g, flushed; store
    ...get(splat(B1)), ...at(M), ...V128_LOAD(), ...F32X4_MUL, ...get(splat(C1)), ...get(vg), ...F32X4_MUL, ...F32X4_ADD, ...set(vm),
    ...get(vm), ...get(vm), ...F32X4_ABS, ...get(splat(TINY)), ...F32X4_GE, ...V128_AND, ...set(vm),
    ...at(M), ...get(vm), ...V128_STORE(),
    // v = b2 * load(V) + c2 * g * g, flushed; store
    ...get(splat(B2)), ...at(V), ...V128_LOAD(), ...F32X4_MUL, ...get(splat(C2)), ...get(vg), ...F32X4_MUL, ...get(vg), ...F32X4_MUL, ...F32X4_ADD, ...set(vv),
    ...get(vv), ...get(vv), ...get(splat(TINY)), ...F32X4_GE, ...V128_AND, ...set(vv),
    ...at(V), ...get(vv), ...V128_STORE(),
    // p = load(P) - step * m / (sqrt(v) * vCorrection + eps); store
    ...at(P),
    ...at(P), ...V128_LOAD(),
    ...get(splat(STEP)), ...get(vm), ...F32X4_MUL,
    ...get(vv), ...F32X4_SQRT, ...get(splat(VCORR)), ...F32X4_MUL, ...get(splat(EPS)), ...F32X4_ADD,
    ...F32X4_DIV, ...F32X4_SUB, ...V128_STORE(),
    // i += 16
    ...get(I), I32_CONST, 16, I32_ADD, ...set(I),
    BR, 0, END, END,
    END,
  ];
  const locals = vec([[1, I32], [12, V128]]);
  const code = [...locals, ...body];

  // sumSquares(gradient offset, bytes) -> f32: acc += g * g over f32x4 lanes, then the lanes' sum.
  const [SG, SBYTES, SI, ACC] = [0, 1, 2, 3];
  const sumBody = [
    BLOCK, VOID, LOOP, VOID,
    ...get(SI), ...get(SBYTES), I32_GE_U, BR_IF, 1,
    ...get(ACC), LOCAL_GET, SG, LOCAL_GET, SI, I32_ADD, ...V128_LOAD(), ...set(4),
    ...get(4), ...get(4), ...F32X4_MUL, ...F32X4_ADD, ...set(ACC),
    ...get(SI), I32_CONST, 16, I32_ADD, ...set(SI),
    BR, 0, END, END,
    ...get(ACC), ...F32X4_EXTRACT_LANE(0), ...get(ACC), ...F32X4_EXTRACT_LANE(1), F32_ADD,
    ...get(ACC), ...F32X4_EXTRACT_LANE(2), F32_ADD, ...get(ACC), ...F32X4_EXTRACT_LANE(3), F32_ADD,
    END,
  ];
  const sumCode = [...vec([[1, I32], [2, V128]]), ...sumBody];

  const adamType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], ...Array.from({ length: 9 }, () => [F32])]), ...vec([])];
  const sumType = [0x60, ...vec([[I32], [I32]]), ...vec([[F32]])];
  return Uint8Array.from([
    ...HEADER,
    ...section(1, vec([adamType, sumType])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, ...leb(pages)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('adam'), 0x00, 0], [...name('sumSquares'), 0x00, 1]])),
    ...section(10, vec([[...leb(code.length), ...code], [...leb(sumCode.length), ...sumCode]])),
  ]);
}
