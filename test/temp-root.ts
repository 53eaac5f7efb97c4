/**
 * Mocha root hooks (.mocharc.json `require`): the run's temporary files all go under one
 * directory, removed when the run ends, so `npm test` leaves nothing in the system's temp
 * directory (it used to leave some 150 directories a run: every `mkdtempSync` of the tests, and
 * of the CLI processes they spawn).
 *
 * Tests and their child processes find the temp directory with `os.tmpdir()`, which reads the
 * environment on each call; mocha loads this module before any spec file, so setting the
 * variables here moves them all, and spawned processes inherit them. Under `--parallel`
 * (.mocharc.json) each worker process, started with the main process's environment, loads it too
 * and makes its own root inside the main one, which the main process removes with the rest.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory that holds this run's temporary files. */
export const TEST_TEMP_ROOT = mkdtempSync(join(tmpdir(), 'bdt-gym-test-'));
// as the system's temp directory is: tests that run a process as another user (nobody) need it
// to make its files there (tsx's cache, for one), and some test how a sticky directory behaves
chmodSync(TEST_TEMP_ROOT, 0o1777);

// TMPDIR on POSIX (Node's os.tmpdir, Python's tempfile), TEMP and TMP on Windows
for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = TEST_TEMP_ROOT;

/**
 * Removes the directory when the process exits, however mocha ends the run: after the last test,
 * on Ctrl-C, or with `--dry-run`, which runs no root hooks (an afterAll hook left the directory
 * behind there). Only a killed process leaves it.
 */
process.once('exit', () => {
  try {
    // retries: a process a test has just killed may still be removing its own files
    rmSync(TEST_TEMP_ROOT, { recursive: true, force: true, maxRetries: 5 });
  } catch (error) {
    console.warn(`test/temp-root.ts: could not remove ${TEST_TEMP_ROOT}: ${(error as Error).message}`);
  }
});
