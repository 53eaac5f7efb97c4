/**
 * A scenario built in code: a partial override of the default scenario with a custom DNN given
 * as a layer spec, validated, a validation error shown, registered under an id of its own, then
 * one episode with DPRA.
 *
 * Run: npx tsx examples/custom-scenario.ts [--slots 100] [--seed 7]
 */
import { exampleArgs, integerArg } from './args.ts';
import { make, mergeDeep, parseScenario, profileFromSpec, registerBdtScenario, ScenarioError, type BdtAction, type BdtInfo, type BdtObservation, type DnnSpecInput, type Env } from 'bdt-gym';
import { createAgent } from 'bdt-gym/baselines';
import defaultScenario from 'bdt-gym/configs/default.json' with { type: 'json' };

const args = exampleArgs('usage: npx tsx examples/custom-scenario.ts [--slots 100] [--seed 7]', { slots: '100', seed: '7' });
const slots = integerArg('slots', args.slots, 1);
const seed = integerArg('seed', args.seed, 0);

// 1. A DNN as a layer spec: an input shape (channels last, no batch axis) and partition units,
//    each a run of layers. A unit is the smallest piece that can be placed on the gateway or the
//    AP; cut points lie between units. Here a vibration classifier over 1024-sample windows of a
//    3-axis accelerometer: the first conv unit's output (256 x 16 values) is larger than the raw
//    input (1024 x 3), so cutting right after it is a bad idea on a slow uplink.
const vibrationCnn: DnnSpecInput = {
  name: 'vibration-cnn',
  description: 'Bearing-fault classifier over 1024 x 3 accelerometer windows (4 classes)',
  inputShape: [1024, 3],
  units: [
    { name: 'conv1', layers: [{ kind: 'conv1d', filters: 16, kernel: 9, stride: 2, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool1d', pool: 2 }] },
    { name: 'conv2', layers: [{ kind: 'conv1d', filters: 32, kernel: 7, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool1d', pool: 4 }] },
    { name: 'conv3', layers: [{ kind: 'conv1d', filters: 64, kernel: 5, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool1d', pool: 4 }] },
    { name: 'head', layers: [{ kind: 'globalAvgPool' }, { kind: 'dense', units: 4 }] },
  ],
};

// profileFromSpec does the shape arithmetic: per unit, FLOPs per data point (chi, 2 x MACs) and
// the bits of its output (s, float32 elements x 32). These are the numbers the model uses.
const profile = profileFromSpec(vibrationCnn);
console.log(`${profile.name}: input ${profile.inputBits} bits, ${profile.units.length} units, ${(profile.totalFlops / 1e6).toFixed(2)} MFLOP per data point`);
for (const unit of profile.units) console.log(`  ${unit.name.padEnd(6)} chi = ${(unit.flops / 1e6).toFixed(3).padStart(8)} MFLOP  s = ${String(unit.outputBits).padStart(7)} bits  output ${JSON.stringify(unit.outputShapes[0])}`);

// 2. A partial override: everything not named here comes from configs/default.json. Objects
//    merge key by key (but each DNN in dnns is replaced whole); arrays and scalars replace.
//    Devices 3, 4 and 11 (the sensor DTs of the default) now run the vibration CNN, and a tighter
//    upper reputation bound U^max = 0.6 is asked for.
const override = {
  name: 'vibration-plant',
  slots,
  dnns: { 'vibration-cnn': vibrationCnn },
  devices: {
    dnn: ['alexnet', 'resnet18', 'mobilenetv2', 'vibration-cnn', 'vibration-cnn', 'alexnet', 'resnet18', 'mobilenetv2', 'alexnet', 'alexnet', 'mobilenetv2', 'vibration-cnn'],
  },
  lyapunov: { uMax: 0.6 },
};

// 3. Validate before running: parseScenario checks every field (zod) and the cross-field rules
//    (matrix sizes, one gateway per device, U^min <= U^max, known DNN names), fills defaults,
//    and throws a ScenarioError listing each bad field with its path, the rule and the value.
const scenario = parseScenario(mergeDeep(defaultScenario, override));
console.log(`\nscenario "${scenario.name}" is valid: ${scenario.devices.dnn.length} devices, C6 window [${scenario.lyapunov.uMin}, ${scenario.lyapunov.uMax}], T = ${scenario.slots}`);

// What a mistake looks like: a negative clock on one gateway and an unknown DNN name.
const broken = mergeDeep(defaultScenario, { gateways: { freq: [1.5e9, -2e9, 1.5e9, 1.5e9] }, devices: { dnn: 'vibration-cnn-v2' } });
try {
  parseScenario(broken, 'scenario "broken"');
} catch (error) {
  if (!(error instanceof ScenarioError)) throw error;
  console.log(`\nvalidation error, as expected:\n${error.message}`);
}

// 4. make('BDT-v0', { scenario: override }) would take the partial override directly (BDT-v0
//    supplies the base) and validate it the same way. To use the scenario as often as a built-in
//    id, register it whole under an id of its own: then make(), makeVec(), compareAgents() and
//    the CLI (through --import) take that id, and make(id, { scenario }) merges further overrides into it.
registerBdtScenario('VibrationPlant-v0', scenario);
const env: Env<BdtObservation, BdtAction> = make('VibrationPlant-v0', { infoLevel: 'summary' });
const agent = await createAgent('dpra', env);
agent.reset(seed);
let [obs, info] = env.reset({ seed });
let latency = 0;
const reputationSum = [0, 0, 0];
let steps = 0;
for (;;) {
  const [next, , terminated, truncated, nextInfo] = env.step(agent.act(obs, { info, env }));
  const stepInfo = nextInfo as BdtInfo; // the B-DT env's info keys, typed (docs/MODEL.md, "Info")
  latency += stepInfo.chargedLatency;
  stepInfo.reputation.forEach((u, j) => (reputationSum[j]! += u));
  steps++;
  if (terminated || truncated) break;
  [obs, info] = [next, stepInfo];
}
console.log(`\ndpra on "${scenario.name}": ${steps} slots, mean latency ${(latency / steps).toFixed(4)} s, avg U = [${reputationSum.map((s) => (s / steps).toFixed(4)).join(', ')}]`);
agent.dispose?.();
env.close();
