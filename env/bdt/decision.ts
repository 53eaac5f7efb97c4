/** Decisions X(t) in physical units: allocation and the C1-C3 check. */
import type { BdtSystem, Decision } from './system.ts';

/** A decision sized for `system`, every DT fully on its gateway (l_n = L_n), no AP frequency. */
export function createDecision(system: BdtSystem): Decision {
  return {
    partition: Int32Array.from(system.unitCount),
    inferenceFreq: new Float64Array(system.M),
    miningFreq: new Float64Array(system.J),
  };
}

/**
 * Why `decision` breaks C1-C3 (or has the wrong lengths / NaN), naming the field and index;
 * `undefined` when it is feasible. `tolerance` is the relative slack allowed on C2 and C3.
 */
export function explainDecision(system: BdtSystem, decision: Decision, tolerance = 1e-9): string | undefined {
  const { N, M, J } = system;
  if (typeof decision !== 'object' || decision === null) return `a decision is an object { partition, inferenceFreq, miningFreq }, got ${String(decision)}`;
  for (const key of ['partition', 'inferenceFreq', 'miningFreq'] as const) {
    const field: unknown = decision[key];
    if (!ArrayBuffer.isView(field) && !Array.isArray(field)) return `${key}: expected an array of numbers, got ${field === null ? 'null' : typeof field}`;
    const values = field as ArrayLike<unknown>;
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') return `${key}[${i}] = ${JSON.stringify(values[i]) ?? String(values[i])}: expected a number`;
    }
  }
  if (decision.partition.length !== N) return `partition: length ${decision.partition.length}, expected N = ${N}`;
  if (decision.inferenceFreq.length !== M) return `inferenceFreq: length ${decision.inferenceFreq.length}, expected M = ${M}`;
  if (decision.miningFreq.length !== J) return `miningFreq: length ${decision.miningFreq.length}, expected J = ${J}`;
  for (let n = 0; n < N; n++) {
    const l = decision.partition[n]!;
    if (!(Number.isInteger(l) && l >= 1 && l <= system.unitCount[n]!)) return `partition[${n}] = ${l}: C1 needs 1 <= l_n <= L_n = ${system.unitCount[n]}`;
  }
  for (let m = 0; m < M; m++) {
    const f = decision.inferenceFreq[m]!;
    if (!(f >= 0)) return `inferenceFreq[${m}] = ${f}: must be a number >= 0 (cycles/s)`;
  }
  // each AP's total in one pass over the gateways (a pass per AP was O(M J)), added in gateway order as before
  const totals = new Float64Array(J);
  for (let m = 0; m < M; m++) totals[system.apOf[m]!]! += decision.inferenceFreq[m]!;
  for (let j = 0; j < J; j++) {
    const sum = totals[j]!;
    const cap = system.apMaxFreq[j]! * (1 + tolerance);
    if (!(sum <= cap)) return `inferenceFreq: AP ${j} is given ${sum} cycles/s in total: C2 needs <= f_j^max = ${system.apMaxFreq[j]}`;
    const f = decision.miningFreq[j]!;
    if (!(f >= 0 && f <= cap)) return `miningFreq[${j}] = ${f}: C3 needs 0 <= f_j^bloc <= f_j^max = ${system.apMaxFreq[j]}`;
  }
  return undefined;
}
