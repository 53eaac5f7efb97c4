/**
 * `bdt-gym serve`: one env driven over stdin/stdout, one JSON request per line in, one response
 * per line out, lines ending at "\n" (cli/serve/env-server.ts has the requests, docs/SERVE.md the
 * protocol), for clients in other languages: the
 * Python package in python/ wraps it as a gymnasium.Env (and, with its action wrappers, as the
 * flat action spaces Stable-Baselines3 and CleanRL take). Nothing else is written to stdout; the
 * server ends on `close` or at the end of its input.
 *
 *   echo '{"method": "make", "id": "BDT-v0"}' | bdt-gym serve
 */
import type { Command } from 'commander';
import { EnvServer, errorResponse, ProtocolError, type Response } from '../serve/env-server.ts';
import { MAX_REQUEST_DEPTH, nestedDeeperThan, parseWire, protoKeyPath, stringifyWire } from '../serve/wire-json.ts';
import { isBlankLine, jsonLines, LINE_TOO_LONG, MAX_LINE_BYTES } from '../serve/json-lines.ts';
import { duplicateKeyMessage, firstDuplicateKey } from '../duplicate-json-keys.ts';
import { examplesHelp } from '../help-text.ts';

/** The response to one line of input. */
async function respond(server: EnvServer, line: string | typeof LINE_TOO_LONG): Promise<Response> {
  if (line === LINE_TOO_LONG) return { error: { type: ProtocolError.name, message: `bad request: a line longer than ${MAX_LINE_BYTES / 2 ** 20} MiB (${MAX_LINE_BYTES} bytes) is not read` } };
  // JSON.parse's own message would quote the mark, which no terminal shows
  if (line.startsWith('\uFEFF')) return { error: { type: ProtocolError.name, message: 'bad request: the line starts with a byte order mark (U+FEFF), which only the first line of the input may carry' } };
  if (nestedDeeperThan(line, MAX_REQUEST_DEPTH)) return { error: { type: ProtocolError.name, message: `bad request: arrays and objects nested more than ${MAX_REQUEST_DEPTH} deep` } };
  let request: unknown;
  try {
    request = parseWire(line);
  } catch (error) {
    return { error: { type: ProtocolError.name, message: `bad request: not a JSON line (${(error as Error).message})` } };
  }
  // JSON.parse keeps a repeated key's last value, and an object built from a "__proto__" key loses it: either would go unread
  const duplicate = firstDuplicateKey(line);
  if (duplicate !== undefined) return { error: { type: ProtocolError.name, message: `bad request: ${duplicateKeyMessage(duplicate)}` } };
  const proto = line.includes('proto') || line.includes('\\u') ? protoKeyPath(request) : undefined; // an escape could spell it
  if (proto !== undefined) return { error: { type: ProtocolError.name, message: `bad request: a key "__proto__" (at ${proto}) is not taken: objects built from the request would lose it` } };
  return server.handle(request);
}

/** `response` as one line of wire JSON; a result JSON cannot write (a BigInt, a cycle) is answered as an error, and the server goes on. */
function responseLine(response: Response): string {
  try {
    return stringifyWire(response);
  } catch (error) {
    const { type, message } = errorResponse(error).error;
    return stringifyWire({ error: { type, message: `the result cannot be written as JSON: ${message}` }, ...(response.warnings === undefined ? {} : { warnings: response.warnings }) });
  }
}

/** Writes to the real stdout, which the preAction hook keeps for the protocol alone. */
let protocolWrite: (text: string) => boolean = (text) => process.stdout.write(text);

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve one env (or a vector env) over stdin/stdout as JSON lines (make, reset, step, act, render, getAttr, setAttr, call, close), for clients in other languages such as the Python package in python/ (the protocol: docs/SERVE.md)')
    .addHelpText(
      'after',
      examplesHelp(
        `echo '{"method": "make", "id": "BDT-v0"}' | bdt-gym serve`,
        `echo '{"method": "make", "id": "CartPole-v1", "numEnvs": 4}' | bdt-gym serve`,
      ),
    )
    // stdout carries the protocol alone: whatever else writes to it (console.log, console.dir, a
    // library's or a --import module's process.stdout.write) goes to stderr (a hook, to come
    // before main.ts's, which imports those modules)
    .hook('preAction', () => {
      protocolWrite = process.stdout.write.bind(process.stdout);
      process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    })
    .action(async () => {
      // a client that went away ends the server quietly (cli/broken-pipe.ts), and normally: exit 0
      process.exitCode = 0;
      const server = new EnvServer();
      for await (const line of jsonLines(process.stdin)) {
        if (line !== LINE_TOO_LONG && isBlankLine(line)) continue;
        protocolWrite(`${responseLine(await respond(server, line))}\n`);
        if (server.closed) break;
      }
      if (!server.closed) await server.handle({ method: 'close' });
    });
}
