/**
 * The B-DT env a command plays: `--env <id>` or a `--scenario` file (checked as given, errors
 * naming the file), with `--scenario-override` and `--slots` merged in; a scenario file registered
 * as an env id of this process, for the commands that take ids (compare, train); the help text of
 * both options.
 */
import { make, type Env } from '../env/index.ts';
import { BdtEnv } from '../env/bdt/bdt-env.ts';
import { registerBdtScenario } from '../env/bdt/register-scenario.ts';
import type { BdtAction } from '../env/bdt/action.ts';
import type { BdtObservation } from '../env/bdt/observation.ts';
import { compileScenario } from '../env/bdt/scenario/compile.ts';
import { mergeDeep, missingSections, parseScenario, ScenarioError } from '../env/bdt/scenario/parse.ts';
import { CliError } from './errors.ts';
import { readJsonObjectFile, STDIN_HELP } from './json-files.ts';
import { bdtEnvOption } from './options.ts';
import { CONFIGS_FALLBACK_HELP, readableConfigPath } from './package-files.ts';

/** Refuses `--env` given with `--scenario` (each names the env), before anything is read. */
export function checkEnvOrScenario(options: { readonly env?: string | undefined; readonly scenario?: string | undefined }): void {
  if (options.env !== undefined && options.scenario !== undefined) throw new CliError('give one of --env <id> and --scenario <file>, not both');
}

/** The env named by `--env` or built from `--scenario` (checked as given), with `--slots` applied. */
export function openEnv(options: {
  env?: string | undefined;
  scenario?: string | undefined;
  slots?: number | undefined;
  /** `--scenario-override`: a partial scenario deep-merged first, so `--slots` and `override` win over it. */
  scenarioOverride?: Record<string, unknown> | undefined;
  /** A further partial scenario deep-merged last (e.g. an agent's `scenarioOverride`). */
  override?: Record<string, unknown> | undefined;
  /** How errors name the scenario file's source: `--scenario` (default) or the command that takes it as an argument. */
  scenarioSource?: string | undefined;
}): Env<BdtObservation, BdtAction> {
  if ((options.env === undefined) === (options.scenario === undefined)) throw new CliError('give exactly one of --env <id> and --scenario <file>');
  // --scenario-override checked as given first: --slots or an agent's override (sweep-v's V) merged
  // over it must not hide a bad value in it ("slots": "abc" was written to compare's result)
  if (Object.keys(options.scenarioOverride ?? {}).length > 0 && (options.slots !== undefined || options.override !== undefined)) {
    openEnv({ ...options, slots: undefined, override: undefined }).close();
  }
  const override = mergeDeep(mergeDeep(options.scenarioOverride ?? {}, options.slots === undefined ? {} : { slots: options.slots }), options.override ?? {});
  const scenario = options.scenario === undefined ? undefined : readScenarioFile(options.scenario, options.scenarioSource);
  try {
    if (scenario !== undefined) return new BdtEnv({ scenario: mergeDeep(scenario, override) });
    return make<BdtObservation, BdtAction>(bdtEnvOption(options.env!), { scenario: override });
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError((options.scenario ? inFile(error, options.scenario) : error.message) + (Object.keys(options.scenarioOverride ?? {}).length > 0 ? '\n(with --scenario-override merged in)' : ''));
    throw error;
  }
}

/** Help text of `--scenario`, the same for every command that takes it. */
export const SCENARIO_FILE_HELP = `scenario JSON file (instead of --env); ${CONFIGS_FALLBACK_HELP}; ${STDIN_HELP}`;

/** Help text of `--scenario-override`, the same for every command that takes it. */
export const SCENARIO_OVERRIDE_HELP = 'partial scenario as a JSON object, deep-merged into the scenario as make(id, {scenario}) merges it (e.g. \'{"lyapunov":{"uMin":0.35}}\'); --slots wins over its slots';

/**
 * The scenario in the `--scenario` file `file` (a relative configs/... missing here: the package's,
 * {@link configPath}), checked as given: an override merged in later (--slots 3 over "slots":
 * "many") must not hide a bad value in it. A CliError names the file.
 */
export function readScenarioFile(file: string, source = '--scenario'): object {
  const read = scenarioFilesRead.get(file);
  if (read !== undefined) return read;
  const scenario = readJsonObjectFile(source, readableConfigPath(source, file), 'a scenario, as in configs/');
  try {
    compileScenario(parseScenario(scenario));
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(inFile(error, file) + wholeScenarioHint(scenario));
    throw error;
  }
  scenarioFilesRead.set(file, scenario);
  return scenario;
}

/**
 * The scenario files this process read, by name as given: each is read once, as a pipe (`<(...)`,
 * /dev/stdin) can be, though a command opens its env more than once (run and check-dpra with
 * --scenario-override, sweep-v once per V).
 */
const scenarioFilesRead = new Map<string, object>();

/** The scenario files read so far, for worker threads to start with ({@link rememberScenarioFiles}): `sweep-v --jobs`. */
export function scenarioFilesReadSoFar(): Array<readonly [file: string, scenario: object]> {
  return [...scenarioFilesRead];
}

/** Takes `files`, read by the main thread, as read in this thread, so a worker never reads a file again. */
export function rememberScenarioFiles(files: ReadonlyArray<readonly [file: string, scenario: object]>): void {
  for (const [file, scenario] of files) scenarioFilesRead.set(file, scenario);
}

/**
 * Registers scenario file `file` (checked first by {@link readScenarioFile}, errors naming it) as
 * an env id for this process, the file's scenario its base as configs/default.json is BDT-v0's, so
 * `--slots`, the agents' scenario overrides (compare) and a preset's envKwargs (train) merge into
 * it as into a registered id's.
 */
export function scenarioFileEnvId(file: string): string {
  // an env id has Gymnasium's form (no path separators or spaces); this one is internal, never shown
  const id = `scenario-file:${file.replace(/[^\w:.-]/g, '_')}`;
  const scenario = readScenarioFile(file);
  registerBdtScenario(id, scenario);
  scenarioFileIds.set(id, scenario);
  return id;
}

/** The ids {@link scenarioFileEnvId} registered, with the scenarios read. */
const scenarioFileIds = new Map<string, object>();

/** The env ids of scenario files this process registered and their scenarios, for worker threads to register as well (`compare --jobs`). */
export function scenarioFileRegistrations(): Array<{ readonly id: string; readonly scenario: object }> {
  return [...scenarioFileIds].map(([id, scenario]) => ({ id, scenario }));
}

/** A ScenarioError's message naming the file it came from. */
function inFile(error: ScenarioError, file: string): string {
  return error.message.replace(/^invalid scenario/, `invalid scenario ${file}`);
}

/**
 * A hint when a `--scenario` file lacks sections every scenario has: it is most likely a
 * partial override (as `make(id, {scenario})` takes in code), which a file cannot be alone.
 */
function wholeScenarioHint(scenario: object): string {
  const missing = missingSections(scenario);
  if (missing.length === 0) return '';
  return `\n(a scenario file is a whole scenario, and this one has no ${missing.join(', ')}: copy configs/default.json and change what you need; a partial override such as {"lyapunov": {"V": 50}} is what make('BDT-v0', {scenario: ...}) takes in code)`;
}
