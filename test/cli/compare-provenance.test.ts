/**
 * compare's provenance names the checkpoints the agents loaded, even when a directory is
 * replaced (a training saving its best/ there) or removed after loading: it hashed the manifest
 * found after the comparison, naming another model's, or failed on a missing one with no result.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../agents/backend.ts';
import { manifestChecksumText } from '../../agents/checkpoint/manifest.ts';
import { loadPolicyAgent } from '../../agents/policy-agent.ts';
import type { ComparisonSpec } from '../../baselines/harness/compare.ts';
import { compareProvenance } from '../../cli/compare-provenance.ts';
import { make } from '../../env/index.ts';

describe('compare provenance: the checkpoints as loaded', function () {
  this.timeout(60_000);
  const models = fileURLToPath(new URL('../../models/', import.meta.url));
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  let dir: string;
  before(() => initBackend('wasm'));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-provenance-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Loads the agent in `run` as compare does, and frees it; the hash of the manifest it read. */
  const load = async (run: string): Promise<string> => {
    const loaded = sha256(readFileSync(join(run, 'checkpoint', 'manifest.json')));
    const env = make('BDT-v0');
    (await loadPolicyAgent(run, env, 'ppo')).dispose();
    env.close();
    return loaded;
  };
  /** Puts another model (the committed DQN's) in the place of `run`'s checkpoint, as a save would. */
  const replace = (run: string): void => {
    rmSync(join(run, 'checkpoint'), { recursive: true });
    cpSync(join(models, 'dqn-bdt-v0', 'checkpoint'), join(run, 'checkpoint'), { recursive: true });
  };

  it('names the manifest loaded, not the one in the directory after the comparison, nor fails when it is gone', async () => {
    const run = join(dir, 'run');
    cpSync(join(models, 'ppo-bdt-v0'), run, { recursive: true });
    const loaded = await load(run);
    const spec: ComparisonSpec = { envId: 'BDT-v0', agents: ['dpra', { label: 'mine', agent: 'ppo', options: { checkpoint: run } }], seeds: [1] };
    replace(run);
    assert.deepEqual(compareProvenance(spec).checkpoints, { mine: { path: join(run, 'checkpoint'), manifestSha256: loaded } });
    rmSync(join(run, 'checkpoint'), { recursive: true });
    assert.deepEqual(compareProvenance(spec).checkpoints, { mine: { path: join(run, 'checkpoint'), manifestSha256: loaded } });
  });

  it('two agents loading one directory in turn each get the manifest they loaded', async () => {
    const run = join(dir, 'run');
    cpSync(join(models, 'ppo-bdt-v0'), run, { recursive: true });
    const first = await load(run);
    // the directory changed between the two loads (a later save of the same run)
    const manifest = join(run, 'checkpoint', 'manifest.json');
    const next = JSON.parse(readFileSync(manifest, 'utf8')) as { counters: { globalStep: number } };
    next.counters.globalStep += 1;
    const text = `${JSON.stringify(next, null, 2)}\n`;
    writeFileSync(manifest, text);
    writeFileSync(join(run, 'checkpoint', 'manifest.sha256'), manifestChecksumText(Buffer.from(text)));
    const second = await load(run);
    assert.notEqual(first, second);
    const spec: ComparisonSpec = { envId: 'BDT-v0', agents: [{ label: 'a', agent: 'ppo', options: { checkpoint: run } }, { label: 'b', agent: 'ppo', options: { checkpoint: run } }], seeds: [1] };
    replace(run);
    const path = join(run, 'checkpoint');
    assert.deepEqual(compareProvenance(spec).checkpoints, { a: { path, manifestSha256: first }, b: { path, manifestSha256: second } });
  });
});
