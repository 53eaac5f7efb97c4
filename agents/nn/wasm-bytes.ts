/**
 * Helpers for the tiny hand-assembled WebAssembly modules of nn/ (adam-simd.ts, transpose.ts):
 * binary encoding and instantiation where WebAssembly SIMD validates.
 */

// Opcodes and type codes both modules use (WebAssembly core spec, binary format; SIMD: 0xfd prefix).
export const I32 = 0x7f;
export const V128 = 0x7b;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const I32_CONST = 0x41;
export const I32_ADD = 0x6a;
export const I32_GE_U = 0x4f;
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const END = 0x0b;
/** The empty block type. */
export const VOID = 0x40;
/** The prefix of SIMD instructions. */
export const SIMD = 0xfd;
/** The module header: magic `\0asm` and version 1. */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

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
