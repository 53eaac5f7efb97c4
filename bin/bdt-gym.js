#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (a runtime dependency), so no build step is needed.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

let tsx, tsxCjs;
try {
  tsx = await import('tsx/esm/api');
  tsxCjs = await import('tsx/cjs/api');
} catch (error) {
  // a checkout without its dependencies: one line saying what to do, not a module-resolution stack
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes("'tsx'")) throw error; // tsx itself missing, not a package it needs
  process.stderr.write(`bdt-gym: tsx is not installed: run \`npm install\` in ${dirname(dirname(fileURLToPath(import.meta.url)))}\n`);
  process.exit(1);
}
tsx.register();
// CommonJS too, as `node --import tsx` has it: a `--import` module outside an ESM package (no
// "type": "module" above it) is CommonJS to Node, and the ESM hooks alone fail to load it
tsxCjs.register();
await import('../cli/main.ts');
