/**
 * `bdt-gym serve`: one env driven over stdin/stdout, one JSON request per line in, one response
 * per line out (cli/serve/env-server.ts has the requests), for clients in other languages: the
 * Python package in python/ wraps it as a gymnasium.Env (and, with its action wrappers, as the
 * flat action spaces Stable-Baselines3 and CleanRL take). Nothing else is written to stdout; the
 * server ends on `close` or at the end of its input.
 *
 *   echo '{"method": "make", "id": "BDT-v0"}' | bdt-gym serve
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { EnvServer, errorResponse, ProtocolError, type Response } from '../serve/env-server.ts';
import { parseWire, stringifyWire } from '../serve/wire-json.ts';
import { examplesHelp } from '../help-text.ts';

/** The response to one line of input. */
async function respond(server: EnvServer, line: string): Promise<Response> {
  let request: unknown;
  try {
    request = parseWire(line);
  } catch (error) {
    return { error: { type: ProtocolError.name, message: `bad request: not a JSON line (${(error as Error).message})` } };
  }
  return server.handle(request);
}

/** `response` as one line of wire JSON; a result JSON cannot write (a BigInt, a cycle) is answered as an error, and the server goes on. */
function responseLine(response: Response): string {
  try {
    return stringifyWire(response);
  } catch (error) {
    const { type, message } = errorResponse(error).error;
    return stringifyWire({ error: { type, message: `the result cannot be written as JSON: ${message}` } });
  }
}

/** Writes to the real stdout, which the preAction hook keeps for the protocol alone. */
let protocolWrite: (text: string) => boolean = (text) => process.stdout.write(text);

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve one env (or a vector env) over stdin/stdout as JSON lines (make, reset, step, act, render, getAttr, setAttr, call, close), for clients in other languages such as the Python package in python/')
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
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        protocolWrite(`${responseLine(await respond(server, line))}\n`);
        if (server.closed) break;
      }
      lines.close();
      if (!server.closed) await server.handle({ method: 'close' });
    });
}
