/**
 * Bench suites for test/bench/isolate.test.ts: two cases that refuse to share a process (one also
 * prints to stdout, which must not reach the parent's stdout), one that fails and one that quits
 * without a report.
 */
import type { BenchSuite } from '../../bench/harness.ts';

let setups = 0;

/** Counts the setups in this process: a second one means two cases shared it. */
function setupOnce(): (ops: number) => void {
  setups++;
  if (setups > 1) throw new Error(`${setups} cases set up in process ${process.pid}`);
  return (ops) => {
    let x = 0;
    for (let i = 0; i < ops; i++) x += i;
    if (x < 0) throw new Error('unreachable');
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'isolation',
    cases: [
      { name: 'first', unit: 'ops', ops: 1000, setup: setupOnce },
      {
        name: 'second',
        unit: 'ops',
        ops: 1000,
        setup: () => {
          process.stdout.write('(expected) a bench case printing to stdout: bench/isolate.ts sends it to stderr\n');
          return setupOnce();
        },
      },
    ],
  },
  {
    name: 'isolation-failing',
    cases: [
      {
        name: 'setup',
        unit: 'ops',
        ops: 1000,
        setup: () => {
          throw new Error('this case cannot be set up');
        },
      },
      {
        name: 'quits',
        unit: 'ops',
        ops: 1000,
        setup: () => process.exit(0),
      },
    ],
  },
];
