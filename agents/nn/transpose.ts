/**
 * Matrix transpose for the training passes (nn/mlp-backprop.ts moves a 256x256 kernel and a few
 * batch-sized matrices between row- and column-major at every gradient step). In JS a transpose
 * costs ~2-3 ns per element (a float32 load and store with bounds checks each, no vectorisation);
 * here matrices whose sides are multiples of 4 go through a tiny hand-assembled WebAssembly
 * module with 128-bit SIMD that moves 4x4 blocks with eight lane shuffles (256x256 in ~50 us,
 * copying in and out included, against 110-190 us in JS). Other shapes, and runtimes without
 * WebAssembly SIMD, use the JS loop. Either way the values are copied bit for bit.
 */
import { BLOCK, BR, BR_IF, END, HEADER, I32, I32_ADD, I32_CONST, I32_GE_U, instantiate, leb, LOCAL_GET, LOCAL_SET, LOOP, name, section, SIMD, V128, vec, VOID } from './wasm-bytes.ts';

/** Side of the square tiles the JS loop works in (cache-friendly for large matrices). */
const TILE = 16;

/** `dst[offset + c * rows + r] = src[r * cols + c]`: a `[rows, cols]` matrix transposed. */
export function transpose(src: Float32Array, rows: number, cols: number, dst: Float32Array, offset = 0): Float32Array {
  const kernel = rows % 4 === 0 && cols % 4 === 0 ? simdKernel() : undefined;
  if (kernel !== undefined) kernel.run(src, rows, cols, dst, offset);
  else transposeInJs(src, rows, cols, dst, offset);
  return dst;
}

/** Whether this runtime runs 4-aligned transposes on the WebAssembly SIMD kernel (else all go through the JS loop). */
export function simdTransposeAvailable(): boolean {
  return simdKernel() !== undefined;
}

/** The JS loop (any shape). */
function transposeInJs(src: Float32Array, rows: number, cols: number, dst: Float32Array, offset: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) dst[offset + c * rows + r] = src[base + c]!;
      }
    }
  }
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The SIMD module: source copied to the start of its memory, the transpose written after it. */
class SimdTranspose {
  private readonly memory: WasmMemory;
  private readonly kernel: (src: number, dst: number, rows: number, cols: number) => void;

  constructor(
    memory: WasmMemory,
    kernel: (src: number, dst: number, rows: number, cols: number) => void,
  ) {
    this.memory = memory;
    this.kernel = kernel;
  }

  run(src: Float32Array, rows: number, cols: number, dst: Float32Array, offset: number): void {
    const n = rows * cols;
    const bytes = n * Float32Array.BYTES_PER_ELEMENT;
    const missing = 2 * bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
    new Float32Array(this.memory.buffer, 0, n).set(src.subarray(0, n));
    this.kernel(0, bytes, rows, cols);
    dst.set(new Float32Array(this.memory.buffer, bytes, n), offset);
  }
}

const PAGE = 65536;
let simd: SimdTranspose | null | undefined;

/** The SIMD kernel, built at the first use; undefined without WebAssembly SIMD. */
function simdKernel(): SimdTranspose | undefined {
  if (simd === undefined) {
    const exports = instantiate(transposeModule());
    simd = exports === undefined ? null : new SimdTranspose(exports['memory'] as WasmMemory, exports['transpose'] as (src: number, dst: number, rows: number, cols: number) => void);
  }
  return simd ?? undefined;
}

// Opcodes of this module only (the shared ones are in wasm-bytes.ts).
const I32_MUL = 0x6c;
const V128_LOAD = [SIMD, 0x00, 2, 0]; // memarg: align 2^2 (float32 rows need not be 16-byte aligned), offset 0
const V128_STORE = [SIMD, 0x0b, 2, 0];
/** i8x16.shuffle picking float32 lanes (0-3: first operand, 4-7: second). */
const shuffle = (lanes: readonly number[]): number[] => [SIMD, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];

/**
 * `transpose(src, dst, rows, cols)` (byte offsets; rows and cols multiples of 4): for each 4x4
 * block, load its four rows, interleave them pairwise ([a0 b0 a1 b1], [a2 b2 a3 b3] from rows a,
 * b) and combine the pairs' halves into four columns, stored as rows of the transpose.
 */
function transposeModule(): Uint8Array {
  const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3];
  // i32 locals: row, column, source row stride and destination row stride in bytes, block pointers.
  const [R, C, SRC_STRIDE, DST_STRIDE, P, Q] = [4, 5, 6, 7, 8, 9];
  // v128 locals: the block's rows, then the pairwise interleavings.
  const [r0, r1, r2, r3, t0, t1, t2, t3] = [10, 11, 12, 13, 14, 15, 16, 17];
  const get = (local: number) => [LOCAL_GET, local];
  const set = (local: number) => [LOCAL_SET, local];
  const plusStrides = (base: number, stride: number, k: number) => [...get(base), ...(k > 0 ? [...get(stride), I32_CONST, k, I32_MUL, I32_ADD] : [])];
  const loadRow = (k: number, into: number) => [...plusStrides(P, SRC_STRIDE, k), ...V128_LOAD, ...set(into)];
  const storeColumn = (k: number, a: number, b: number, lanes: number[]) => [...plusStrides(Q, DST_STRIDE, k), ...get(a), ...get(b), ...shuffle(lanes), ...V128_STORE];
  const body = [
    ...get(COLS), I32_CONST, 4, I32_MUL, ...set(SRC_STRIDE),
    ...get(ROWS), I32_CONST, 4, I32_MUL, ...set(DST_STRIDE),
    I32_CONST, 0, ...set(R),
    BLOCK, VOID, LOOP, VOID,
    ...get(R), ...get(ROWS), I32_GE_U, BR_IF, 1,
    I32_CONST, 0, ...set(C),
    BLOCK, VOID, LOOP, VOID,
    ...get(C), ...get(COLS), I32_GE_U, BR_IF, 1,
    // P = src + (r cols + c) 4, Q = dst + (c rows + r) 4
    ...get(SRC), ...get(R), ...get(SRC_STRIDE), I32_MUL, I32_ADD, ...get(C), I32_CONST, 4, I32_MUL, I32_ADD, ...set(P),
    ...get(DST), ...get(C), ...get(DST_STRIDE), I32_MUL, I32_ADD, ...get(R), I32_CONST, 4, I32_MUL, I32_ADD, ...set(Q),
    ...loadRow(0, r0), ...loadRow(1, r1), ...loadRow(2, r2), ...loadRow(3, r3),
    ...get(r0), ...get(r1), ...shuffle([0, 4, 1, 5]), ...set(t0),
    ...get(r0), ...get(r1), ...shuffle([2, 6, 3, 7]), ...set(t1),
    ...get(r2), ...get(r3), ...shuffle([0, 4, 1, 5]), ...set(t2),
    ...get(r2), ...get(r3), ...shuffle([2, 6, 3, 7]), ...set(t3),
    ...storeColumn(0, t0, t2, [0, 1, 4, 5]),
    ...storeColumn(1, t0, t2, [2, 3, 6, 7]),
    ...storeColumn(2, t1, t3, [0, 1, 4, 5]),
    ...storeColumn(3, t1, t3, [2, 3, 6, 7]),
    ...get(C), I32_CONST, 4, I32_ADD, ...set(C),
    BR, 0, END, END,
    ...get(R), I32_CONST, 4, I32_ADD, ...set(R),
    BR, 0, END, END,
    END,
  ];
  const code = [...vec([[6, I32], [8, V128]]), ...body];
  const type = [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([])];
  return Uint8Array.from([
    ...HEADER,
    ...section(1, vec([type])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('transpose'), 0x00, 0]])),
    ...section(10, vec([[...leb(code.length), ...code]])),
  ]);
}
