/**
 * What `compare --out` records, besides the results, to tell later what produced them: the
 * bdt-gym that ran (package version; commit, from a git checkout), the runtime (Node, platform,
 * the TensorFlow.js backend of learned agents), the content of the scenario
 * the agents ran on (an id or a file name says nothing of edits to it) and the checkpoint of each
 * learned agent. A checkpoint's manifest holds the SHA-256 of every file of it (checked on load),
 * so the manifest's hash pins the weights: the hash of the manifest as loaded, since the directory
 * may hold another checkpoint (a training saving there), or none, by the end of the comparison.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_SUBDIR } from '../agents/checkpoint/checkpoint-dir.ts';
import type { RunProvenance } from '../agents/checkpoint/manifest.ts';
import { checkpointLoads, type CheckpointLoad } from '../agents/checkpoint/loaded-checkpoints.ts';
import { defaultCheckpointDir, isLearnedAgent, learnedAgentBackend, type LearnedAgentName } from '../agents/learned-agents.ts';
import { agentNameOf, type ComparisonSpec } from '../baselines/harness/compare.ts';
import { BdtEnv } from '../env/bdt/bdt-env.ts';
import { make } from '../env/index.ts';
import { checkpointPath } from './committed-models.ts';
import { runProvenance } from './package-info.ts';
import { importedModules } from './user-modules.ts';

/** `bdtGym`: bdt-gym's version and commit; `runtime`: Node, platform, arch and, when a learned agent was compared, its TensorFlow.js backend (package-info.ts). */
export interface CompareProvenance extends RunProvenance {
  /** SHA-256 (hex) of the resolved scenario (defaults filled in, --slots applied) as canonical JSON: keys sorted, no spaces. */
  readonly scenarioSha256: string;
  /** Per learned agent's label (and an --import module's agent that loaded its `checkpoint` option): the checkpoint directory it loaded (absolute) and the SHA-256 of its manifest.json as loaded. */
  readonly checkpoints: Readonly<Record<string, { readonly path: string; readonly manifestSha256: string }>>;
  /** With `--trace`: the SHA-256 of each trace file's trace as canonical JSON, one per file, in the order of `traces` (an episode's `trace` indexes it). */
  readonly tracesSha256?: readonly string[];
  /** With `--import`: each module as given, and the SHA-256 of its file (a module that is a file). */
  readonly imports?: ReadonlyArray<{ readonly module: string; readonly sha256?: string }>;
}

/** The provenance of a comparison that ran `spec` in this process (so its env loads, and its checkpoints were loaded). */
export function compareProvenance(spec: ComparisonSpec): CompareProvenance {
  const traces = spec.traces === undefined ? {} : { tracesSha256: spec.traces.map((trace) => sha256(canonicalJson(trace))) };
  const modules = importedModules();
  const imports = modules.length === 0 ? {} : { imports: modules.map(({ specifier, url }) => ({ module: specifier, ...(url.startsWith('file:') ? { sha256: sha256(readFileSync(fileURLToPath(url))) } : {}) })) };
  // the backend only when a learned agent was compared (a scripted-only comparison loads no TensorFlow.js)
  const learned = spec.agents.some((compared) => isLearnedAgent(agentNameOf(compared)));
  const loaded = checkpoints(spec);
  // an --import module's agent that loaded a checkpoint ran on the backend it loaded on
  const backend = (learned ? learnedAgentBackend() : undefined) ?? Object.values(loaded)[0]?.backend;
  const recorded = Object.fromEntries(Object.entries(loaded).map(([label, { path, manifestSha256 }]) => [label, { path, manifestSha256 }]));
  return { ...runProvenance(backend), scenarioSha256: scenarioSha256(spec), checkpoints: recorded, ...traces, ...imports };
}

/**
 * The hash of the scenario compareAgents makes for an agent without a scenario variant of its
 * own (WTCM runs on the plain-PoW variant of this one).
 */
function scenarioSha256(spec: ComparisonSpec): string {
  const env = make(spec.envId, { scenario: spec.scenario ?? {} }, { disableEnvChecker: true });
  try {
    return sha256(canonicalJson((env.unwrapped as BdtEnv).system.scenario));
  } finally {
    env.close();
  }
}

/**
 * The checkpoint each learned agent in `spec` loaded (loaded-checkpoints.ts): its directory, found
 * as compareAgents and the learned agents' factory find it (a run directory's checkpoint/), and
 * its manifest's hash as loaded. compareAgents builds the agents in order, so the last loads are
 * the last agents': each agent, from the last, takes the latest load of its directory not taken.
 * Another agent (an --import module's) with a `checkpoint` option that it loaded with
 * `loadCheckpoint` (as `loadPpoPolicy` and `loadPolicyAgent` do) is recorded the same way.
 */
function checkpoints(spec: ComparisonSpec): Record<string, { path: string; manifestSha256: string; backend: string }> {
  const loads: Array<CheckpointLoad | undefined> = [...checkpointLoads()];
  const found: Array<[string, { path: string; manifestSha256: string; backend: string }]> = [];
  for (const compared of [...spec.agents].reverse()) {
    const { label, agent, options } = typeof compared === 'string' ? { label: compared, agent: compared, options: undefined } : compared;
    const option = (options ?? spec.agentOptions?.[agent] ?? {})['checkpoint'];
    if (!isLearnedAgent(agent) && typeof option !== 'string') continue;
    const given = resolve(checkpointPath(typeof option === 'string' ? option : defaultCheckpointDir(agent as LearnedAgentName, spec.envId)));
    const index = loads.findLastIndex((load) => load !== undefined && (load.dir === given || load.dir === join(given, CHECKPOINT_SUBDIR)));
    if (index < 0) {
      if (!isLearnedAgent(agent)) continue; // an agent of one's own may read its checkpoint otherwise
      throw new Error(`compareProvenance: agent ${label}'s checkpoint ${given} was not loaded in this process; give the spec of a comparison that ran`);
    }
    const { dir, manifestSha256, backend } = loads[index]!;
    loads[index] = undefined;
    found.unshift([label, { path: dir, manifestSha256, backend }]);
  }
  return Object.fromEntries(found);
}

/** JSON with every object's keys sorted, so equal values give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
