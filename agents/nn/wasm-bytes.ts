/**
 * Helpers for the tiny hand-assembled WebAssembly modules of nn/ (adam-simd.ts, transpose.ts):
 * binary encoding and instantiation where WebAssembly SIMD validates.
 */

/** Unsigned LEB128. */
export function leb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** A module section: id, byte length, body. */
export const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
/** A vector: count, then the items. */
export const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
/** A name: byte length, then the (ASCII) bytes. */
export const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** The part of the WebAssembly JS API used here (the project's TS libs do not declare it). */
interface WasmApi {
  validate(binary: Uint8Array): boolean;
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** The module's exports, or undefined where the runtime lacks WebAssembly or rejects the binary (no SIMD). */
export function instantiate(binary: Uint8Array): Record<string, unknown> | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined || !wasm.validate(binary)) return undefined;
  return new wasm.Instance(new wasm.Module(binary)).exports;
}
