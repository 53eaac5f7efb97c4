/**
 * Whether a command draws its progress bar (cli-progress) on `stream`: a terminal that takes cursor
 * moves. Not on a pipe or a file, nor where TERM is dumb (Emacs' shell, some CI logs), which would
 * show the bar's escape codes as text.
 */
export function drawsProgressBar(stream: { readonly isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}
