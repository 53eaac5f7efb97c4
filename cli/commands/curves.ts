/**
 * `bdt-gym curves`: training curves of one or more runs of `train`, from their metrics.jsonl, as
 * an SVG figure (RL Zoo's `plot_train`, TensorBoard's smoothed scalars) and a table of where each
 * curve ends.
 *
 *   bdt-gym curves models/ppo-bdt-v0 models/dqn-bdt-v0 --out curves.svg
 *   bdt-gym curves runs/seed1 runs/seed2 --tag charts/episodic_return,losses/value_loss --window 50 --out c.svg --json
 *   bdt-gym curves runs/seed1 --json                  # the curve ends only, no figure
 *
 * `--out` is needed for the table (its point is the figure); with `--json` it is optional.
 * A tag that some runs lack (DQN logs no `losses/value_loss`) is drawn for the others, with a
 * note; one that no run has is refused, listing the tags there are.
 */
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { metricsFileOf, readMetricsFile, type RunMetrics } from '../metrics-file.ts';
import { trailingMean } from '../plot/moving-average.ts';
import { trainingCurvesSvg, type CurveSeries } from '../plot/training-curves-chart.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { checkNotAnInput, checkSvgPath, integerOption } from '../options.ts';
import { checkpointPath, runInputs } from '../committed-models.ts';

interface CurvesOptions {
  out?: string;
  tag: string;
  window: string;
  labels?: string;
  json?: boolean;
}

/** Where one run's curve of one tag ends. */
interface CurveEnd {
  readonly run: string;
  readonly tag: string;
  /** Records of the tag in the run. */
  readonly records: number;
  readonly lastStep: number;
  /** The moving average at the last record (NaN when its window holds no finite value). */
  readonly final: number;
}

/** The runs' labels: `--labels`, else each path's last component, else (when those repeat) the paths as given. */
function runLabels(paths: readonly string[], labels: string | undefined): string[] {
  if (labels !== undefined) {
    const list = labels.split(',').map((s) => s.trim());
    if (list.length !== paths.length || list.some((s) => s === '')) throw new CliError(`--labels: expected ${paths.length} non-empty comma-separated labels (one per run), got ${JSON.stringify(labels)}`);
    if (new Set(list).size !== list.length) throw new CliError(`--labels: each label once, got ${JSON.stringify(labels)}`);
    return list;
  }
  // a run given as its metrics.jsonl is named by its directory, as one given as the directory
  const names = paths.map((p) => basename(resolve(p.replace(/(^|\/)metrics\.jsonl\/*$/, '$1') || '.')));
  return new Set(names).size === names.length ? names : [...paths];
}

/**
 * Refuses a run given twice (its curves would be drawn twice, under two labels) and an `--out`
 * that is one of the runs' metrics files (the training log would become an SVG) or lies in a run
 * directory given. Compared by real path, so `run`, `run/`, `./run` and `run/metrics.jsonl` (or a
 * symlink to any) are one run.
 */
function checkRunsDistinct(paths: readonly string[], files: readonly string[], out: string | undefined): void {
  const real = files.map((file) => realpathSync(file));
  real.forEach((file, j) => {
    const i = real.indexOf(file);
    if (i < j) throw new CliError(`${paths[j]}: the same run as ${paths[i]} (${file}); give each run once`);
  });
  checkNotAnInput('out', out, [
    ...paths.map((path, i) => ({ label: `the metrics file of run ${path}`, path: files[i]! })),
    ...paths.flatMap((path, i) => {
      const run = checkpointPath(path);
      return files[i] === run ? [] : runInputs(`run ${path}`, run);
    }),
  ]);
}

function tagList(value: string): string[] {
  const tags = value.split(',').map((s) => s.trim());
  if (tags.some((t) => t === '')) throw new CliError(`--tag: expected a comma-separated list of tags, got ${JSON.stringify(value)}`);
  return [...new Set(tags)];
}

export function register(program: Command): void {
  program
    .command('curves')
    .description('plot training curves (moving averages of metrics.jsonl tags) of train runs to an SVG and print where each ends')
    .argument('<runs...>', "run directories of train (or their metrics.jsonl files); a committed model's models/<name> from any directory")
    .option('--out <file>', 'SVG file to write (needed without --json)')
    .addOption(optionWithDefault('--tag <list>', 'comma-separated metric tags, one panel each (charts/..., losses/..., eval/...)', 'charts/episodic_return'))
    .addOption(optionWithDefault('--window <n>', 'moving-average window in records (1 = raw values)', '20'))
    .option('--labels <list>', "comma-separated run names for the legend (default: each run directory's name)")
    .option('--json', 'print the curve ends as a JSON array of {run, tag, records, lastStep, final}')
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym curves models/ppo-bdt-v0 models/dqn-bdt-v0 --out curves.svg',
        'bdt-gym curves models/ppo-bdt-v0 --tag losses/entropy --window 50 --out e.svg',
        'bdt-gym curves models/ppo-bdt-small-v0 --json    # the curve ends, no figure',
      ),
    )
    .action(async (paths: string[], options: CurvesOptions) => {
      if (options.out === undefined && !options.json) throw new CliError('--out: give the SVG file to write (or --json to print where the curves end, without a figure)');
      checkSvgPath('out', options.out);
      const tags = tagList(options.tag);
      const window = integerOption('window', options.window, 1);
      const labels = runLabels(paths, options.labels);
      // models/<name> is found from any directory, as a checkpoint is
      const files = paths.map((path) => metricsFileOf(checkpointPath(path)));
      checkRunsDistinct(paths, files, options.out);
      const runs: RunMetrics[] = files.map(readMetricsFile);

      const series: CurveSeries[] = [];
      const ends: CurveEnd[] = [];
      for (const tag of tags) {
        const having = runs.flatMap((metrics, i) => (metrics.has(tag) ? [i] : []));
        if (having.length === 0) {
          const known = [...new Set(runs.flatMap((metrics) => [...metrics.keys()]))].sort();
          const empty = files.filter((_, i) => runs[i]!.size === 0);
          const emptyFiles = `${empty.join(', ')} ${empty.length === 1 ? 'holds' : 'hold'} no metric records`;
          if (known.length === 0) throw new CliError(`--tag: no run has ${JSON.stringify(tag)}: ${emptyFiles}`);
          throw new CliError(`--tag: no run has ${JSON.stringify(tag)} (their tags: ${known.join(', ')}${empty.length === 0 ? '' : `; ${emptyFiles}`})`);
        }
        const lacking = labels.filter((_, i) => !having.includes(i));
        if (lacking.length > 0) process.stderr.write(`bdt-gym curves: note: ${lacking.join(', ')} ${lacking.length === 1 ? 'has' : 'have'} no ${tag}; drawn for the others\n`);
        for (const i of having) {
          const { steps, values } = runs[i]!.get(tag)!;
          const smoothed = trailingMean(values, window);
          series.push({ run: labels[i]!, tag, steps, raw: values, smoothed });
          ends.push({ run: labels[i]!, tag, records: steps.length, lastStep: steps[steps.length - 1]!, final: smoothed[smoothed.length - 1]! });
        }
      }
      if (options.out !== undefined) writeFileAtomic(options.out, await trainingCurvesSvg(series, tags, window));

      if (options.json) {
        process.stdout.write(`${JSON.stringify(ends)}\n`);
        return;
      }
      const runWidth = Math.max(3, ...ends.map((e) => e.run.length));
      const tagWidth = Math.max(3, ...ends.map((e) => e.tag.length));
      const lines = [`${'run'.padEnd(runWidth)}  ${'tag'.padEnd(tagWidth)}  records  last step  final (mean of last ${window} or all)`];
      for (const e of ends) lines.push(`${e.run.padEnd(runWidth)}  ${e.tag.padEnd(tagWidth)}  ${String(e.records).padStart(7)}  ${String(e.lastStep).padStart(9)}  ${Number.isNaN(e.final) ? 'n/a' : e.final.toPrecision(6)}`);
      lines.push(`curves written to ${options.out}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
