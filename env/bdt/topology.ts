/**
 * Topology and DNN-profile lookups over the compiled system: the a and b matrices as index maps,
 * and the per-device prefix sums of FLOPs, so every per-device quantity is O(1).
 */
import type { BdtSystem } from './system.ts';

/** The AP serving device n's gateway (a then b). */
export function apOfDevice(system: BdtSystem, n: number): number {
  return system.apOf[system.gatewayOf[n]!]!;
}

/** FLOPs per data point of DT n's units 1..l (run on the gateway): sum_{k<=l} chi_n^k. */
export function headFlops(system: BdtSystem, n: number, l: number): number {
  return system.cumFlops[system.unitOffset[n]! + l]!;
}

/** FLOPs per data point of DT n's units l+1..L_n (offloaded to the AP): sum_{k>l} chi_n^k. */
export function tailFlops(system: BdtSystem, n: number, l: number): number {
  const offset = system.unitOffset[n]!;
  return system.cumFlops[offset + system.unitCount[n]!]! - system.cumFlops[offset + l]!;
}

/** FLOPs per data point of DT n's whole DNN. */
export function totalFlops(system: BdtSystem, n: number): number {
  return system.cumFlops[system.unitOffset[n]! + system.unitCount[n]!]!;
}

/** s_n^l, bits per data point sent up when DT n is cut after unit l (l = L_n: the final output). */
export function cutBits(system: BdtSystem, n: number, l: number): number {
  return system.outputBits[system.unitOffset[n]! + l]!;
}

/** Number of devices per gateway, written into `out` (length M). */
export function devicesPerGateway(system: BdtSystem, out: Int32Array): Int32Array {
  out.fill(0);
  for (let n = 0; n < system.N; n++) out[system.gatewayOf[n]!]!++;
  return out;
}

/** Number of gateways per AP, written into `out` (length J). */
export function gatewaysPerAp(system: BdtSystem, out: Int32Array): Int32Array {
  out.fill(0);
  for (let m = 0; m < system.M; m++) out[system.apOf[m]!]!++;
  return out;
}

/** Product of L_n over devices: the size of the partition search space (may exceed 2^53: then approximate). */
export function partitionSpaceSize(system: BdtSystem): number {
  let size = 1;
  for (let n = 0; n < system.N; n++) size *= system.unitCount[n]!;
  return size;
}
