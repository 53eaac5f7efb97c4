/** `count` and `noun`, the noun plural unless the count is 1: `1 episode`, `3 episodes`, `0 slots`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
