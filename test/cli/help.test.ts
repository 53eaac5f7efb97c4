/**
 * Every command's `--help`: its defaults in one style, its required options marked, and an
 * Examples section whose commands parse, for every command in cli/commands/*.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Command } from 'commander';
import { refuseOptionsAsValues } from '../../cli/options.ts';
import { isRequiredOption } from '../../cli/help-text.ts';

/** A program whose commands' hooks are not added: serve's would take this process's stdout. */
class HooklessCommand extends Command {
  override createCommand(name?: string): Command {
    return new HooklessCommand(name);
  }
  override hook(): this {
    return this;
  }
}

const commandsDir = new URL('../../cli/commands/', import.meta.url);
const modules = await Promise.all(
  readdirSync(commandsDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => import(new URL(file, commandsDir).href) as Promise<{ register(program: Command): void }>),
);

/** Every command of cli/commands/, as main.ts registers them, writing into `out` and not exiting; each action only records the command's name in `ran`. */
function program(out: { text: string }, ran: string[] = []): HooklessCommand {
  const root = new HooklessCommand('bdt-gym').exitOverride();
  root.configureOutput({ writeOut: (text) => (out.text += text), writeErr: (text) => (out.text += text), getOutHelpWidth: () => 80, getErrHelpWidth: () => 80, getOutHasColors: () => false });
  for (const module of modules) module.register(root);
  for (const command of [root, ...root.commands]) refuseOptionsAsValues(command);
  for (const command of root.commands) command.action(() => void ran.push(command.name()));
  return root;
}

/** `bdt-gym <name> --help` as printed to a pipe (80 columns). */
function helpOf(name: string): string {
  const out = { text: '' };
  program(out).commands.find((command) => command.name() === name)!.outputHelp();
  return out.text;
}

const names = program({ text: '' }).commands.map((command) => command.name());

/** The words sh splits a command line into ('...' and "..." quotes, a # comment after a space); of a pipeline `a | b`, b's. */
function commandWords(line: string): string[] {
  const pipeline: string[][] = [[]];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      assert.notEqual(end, -1, `an unclosed quote in the example ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === ' ') {
      if (word !== undefined) pipeline.at(-1)!.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === '|' && word === undefined) {
      pipeline.push([]);
    } else {
      assert.ok(!'\\$`*?<>;&'.includes(c), `the example ${line} has ${c}, which this test does not read as sh would`);
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) pipeline.at(-1)!.push(word);
  return pipeline.at(-1)!;
}

describe('bdt-gym <command> --help', () => {
  it('covers every command of cli/commands/', () => {
    assert.equal(names.length, modules.length);
    assert.ok(names.includes('run') && names.includes('serve'));
  });

  it('ends with an Examples section of 2 to 4 commands, each of which the command parses', async () => {
    for (const name of names) {
      const help = helpOf(name);
      const at = help.indexOf('\nExamples:\n');
      assert.notEqual(at, -1, `${name} --help has no Examples section`);
      const lines = help.slice(at + '\nExamples:\n'.length).trimEnd().split('\n');
      assert.ok(lines.length >= 2 && lines.length <= 4, `${name} --help: ${lines.length} examples`);
      for (const line of lines) {
        assert.match(line, /^ {2}\S/, `${name} --help: the example ${JSON.stringify(line)} is not indented as the others`);
        const words = commandWords(line);
        assert.deepEqual(words.slice(0, 2), ['bdt-gym', name], `${name} --help: the example ${line} runs another command`);
        const out = { text: '' };
        const ran: string[] = [];
        await program(out, ran).parseAsync(words.slice(1), { from: 'user' }).catch((error: unknown) => assert.fail(`${name} --help: the example ${line} does not parse: ${(error as Error).message}\n${out.text}`));
        assert.deepEqual(ran, [name], line);
      }
    }
  });

  it('shows each default as commander does, (default: X), with no number in quotes and no [] of a repeatable option', () => {
    for (const name of names) {
      const help = helpOf(name).replace(/\s+/g, ' ');
      assert.doesNotMatch(help, /\(default: "\d/, `${name} --help quotes a number default`);
      assert.doesNotMatch(help, /\(default: \[\]\)/, `${name} --help shows an empty list as a default`);
      // the other ways the descriptions said it: "(default BDT-v0)", "; default BDT-v0", "; default: the preset's"
      assert.doesNotMatch(help, /\(default [^:]|[;,] default:? /, `${name} --help gives a default in its own words`);
    }
  });

  it('says (required) after the description of each option that must be given', () => {
    let required = 0;
    for (const command of program({ text: '' }).commands) {
      const entries = helpOf(command.name()).replace(/\nExamples:\n[\s\S]*$/, '').split(/\n {2}(?=-)/);
      for (const option of command.options) {
        const entry = entries.find((text) => text.startsWith(`${option.flags} `))?.replace(/\s+/g, ' ').trim();
        if (entry === undefined) continue; // a hidden option
        assert.equal(entry.endsWith('(required)'), isRequiredOption(option), `${command.name()} ${option.flags}: ${entry}`);
        if (isRequiredOption(option)) required++;
      }
    }
    assert.equal(required, 2, 'train --out and evaluate --checkpoint');
  });

  it('fits 80 columns, as printed to a pipe', () => {
    for (const name of names) {
      for (const line of helpOf(name).split('\n')) assert.ok(line.length <= 80, `${name} --help: ${line.length} columns: ${line}`);
    }
  });
});
