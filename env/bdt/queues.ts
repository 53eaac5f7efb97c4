/**
 * Lyapunov virtual queues for C6 (docs/MODEL.md, "Objective, C6 and the virtual queues"): H_j tracks the
 * time-average reputation exceeding U^max, G_j it falling short of U^min.
 */
import type { BdtSystem } from './system.ts';

/** The two virtual queues per AP (length J each). */
export interface VirtualQueues {
  /** H_j, backlog of the time-average reputation above U^max. */
  readonly H: Float64Array;
  /** G_j, backlog of the time-average reputation below U^min. */
  readonly G: Float64Array;
}

/** Zeroed queues for `system`. */
export function createQueues(system: BdtSystem): VirtualQueues {
  return { H: new Float64Array(system.J), G: new Float64Array(system.J) };
}

/**
 * One slot's update from the reputations U(t): H_j <- max(H_j + U_j - U^max, 0),
 * G_j <- max(G_j + U^min - U_j, 0). `out` may be `queues` itself (in-place update).
 */
export function updateQueues(system: BdtSystem, queues: VirtualQueues, reputation: Float64Array, out: VirtualQueues): VirtualQueues {
  const { J, uMin, uMax } = system;
  const { H, G } = queues;
  const { H: outH, G: outG } = out;
  for (let j = 0; j < J; j++) {
    const u = reputation[j]!;
    outH[j] = Math.max(H[j]! + u - uMax, 0);
    outG[j] = Math.max(G[j]! + uMin - u, 0);
  }
  return out;
}

/** Lyapunov function L = 1/2 sum_j (H_j^2 + G_j^2). */
export function lyapunov(queues: VirtualQueues): number {
  const { H, G } = queues;
  let sum = 0;
  for (let j = 0; j < H.length; j++) sum += H[j]! * H[j]! + G[j]! * G[j]!;
  return 0.5 * sum;
}

/** The drift part of Psi(t): sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)]. */
export function driftTerm(system: BdtSystem, queues: VirtualQueues, reputation: Float64Array): number {
  const { J, uMin, uMax } = system;
  const { H, G } = queues;
  let sum = 0;
  for (let j = 0; j < J; j++) {
    const u = reputation[j]!;
    sum += H[j]! * (u - uMax) + G[j]! * (uMin - u);
  }
  return sum;
}

/** Total backlog sum_j (H_j + G_j). */
export function backlog(queues: VirtualQueues): number {
  const { H, G } = queues;
  let sum = 0;
  for (let j = 0; j < H.length; j++) sum += H[j]! + G[j]!;
  return sum;
}
