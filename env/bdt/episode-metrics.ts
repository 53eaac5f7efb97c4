/**
 * The episode summary every tool reports (CLI `run`, baseline sweeps, the comparison harness):
 * accumulated from each step's reward and info, so it works through any wrapper.
 */
import type { Info } from '../core/env.ts';

/** Summary of one episode. */
export interface EpisodeSummary {
  /** Steps accumulated. */
  slots: number;
  /** Mean latency tau (s), each slot charged at most the scenario's latency cap. */
  meanLatency: number;
  /** Mean inference latency tau^inf (s, uncapped). */
  meanInferenceLatency: number;
  /** Mean block time tau^bloc (s, uncapped). */
  meanBlockTime: number;
  /** Slots whose latency exceeded the cap (e.g. never finished). */
  cappedSlots: number;
  meanReward: number;
  /** Time-average U_j per AP. */
  avgReputation: number[];
  /** max_j of how far the time-average U_j lies outside [U^min, U^max]; 0 when C6 holds for every AP, NaN when an average is NaN. */
  c6Violation: number;
  /** Number of (node, slot) pairs over an energy budget (C4 and C5 together). */
  energyViolations: number;
  /** Total energy over budget (J). */
  energyExcess: number;
  /** Mean total queue backlog sum_j (H_j + G_j) after each slot. */
  meanBacklog: number;
}

/** How far `average` lies outside [lo, hi] (0 inside); NaN for a NaN average, which both comparisons would pass as inside. */
export function boundViolation(average: number, lo: number, hi: number): number {
  return average < lo ? lo - average : average > hi ? average - hi : Number.isNaN(average) ? NaN : 0;
}

/** Accumulates steps into an {@link EpisodeSummary}. */
export class EpisodeMetrics {
  private readonly uMin: number;
  private readonly uMax: number;
  private readonly reputationSum: Float64Array;
  private steps = 0;
  private latency = 0;
  private inferenceLatency = 0;
  private blockTime = 0;
  private capped = 0;
  private reward = 0;
  private violations = 0;
  private excess = 0;
  private backlog = 0;

  /** For a system with `J` APs and C6 bounds [uMin, uMax] (e.g. `env.unwrapped.system`). */
  constructor(system: { readonly J: number; readonly uMin: number; readonly uMax: number }) {
    this.uMin = system.uMin;
    this.uMax = system.uMax;
    this.reputationSum = new Float64Array(system.J);
  }

  /** Start a new episode. */
  reset(): void {
    this.reputationSum.fill(0);
    this.steps = this.latency = this.inferenceLatency = this.blockTime = this.capped = 0;
    this.reward = this.violations = this.excess = this.backlog = 0;
  }

  /** Add one step's reward and the info BdtEnv returned with it (any info level). */
  add(reward: number, info: Info): void {
    const reputation = info['reputation'] as Float64Array;
    for (let j = 0; j < this.reputationSum.length; j++) this.reputationSum[j]! += reputation[j]!;
    this.steps++;
    this.latency += info['chargedLatency'] as number;
    this.inferenceLatency += info['inferenceLatency'] as number;
    this.blockTime += info['blockTime'] as number;
    if (info['latencyCapped']) this.capped++;
    this.reward += reward;
    this.violations += (info['gatewayViolations'] as number) + (info['apViolations'] as number);
    this.excess += info['energyExcess'] as number;
    this.backlog += info['backlog'] as number;
  }

  /** The summary of the steps added since the last reset; with none, every mean (and so the C6 violation) is NaN: there is nothing to average. */
  summary(): EpisodeSummary {
    // not max(steps, 1): no steps averaged to 0 latency and reward and a C6 violation of U^min
    const n = this.steps;
    const avgReputation = Array.from(this.reputationSum, (sum) => sum / n);
    return {
      slots: this.steps,
      meanLatency: this.latency / n,
      meanInferenceLatency: this.inferenceLatency / n,
      meanBlockTime: this.blockTime / n,
      cappedSlots: this.capped,
      meanReward: this.reward / n,
      avgReputation,
      c6Violation: avgReputation.reduce((worst, u) => Math.max(worst, boundViolation(u, this.uMin, this.uMax)), 0),
      energyViolations: this.violations,
      energyExcess: this.excess,
      meanBacklog: this.backlog / n,
    };
  }
}
