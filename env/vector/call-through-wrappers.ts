/**
 * Gymnasium's vector `call` on one env: the attribute `name` of the env or, through its
 * wrappers, of the outermost env below that has it; a method is called on that env with `args`,
 * anything else is returned as is. `SyncVectorEnv` and `AsyncVectorEnv`'s workers share it.
 */
import type { Env } from '../core/env.ts';
import { AttributeRefusedError } from '../core/errors.ts';

export function callThroughWrappers(env: Env, name: string, args: readonly unknown[]): unknown {
  const attr = env.getWrapperAttr(name);
  if (typeof attr !== 'function') return attr;
  // the class and Object.prototype's methods are JavaScript's object machinery, which every env
  // has: calling them is no env method call (the class throws without new, __defineGetter__ redefines)
  if (name === 'constructor' || attr === (Object.prototype as unknown as Record<string, unknown>)[name]) {
    throw new AttributeRefusedError(`${env.toString()}.call("${name}"): "${name}" is ${name === 'constructor' ? "the env's class" : "a method every JavaScript object has (Object.prototype's)"}, not a method of the env`);
  }
  // the method's own env: the outermost one that has it
  let owner: Env = env;
  while (!(name in owner) && 'env' in owner) owner = (owner as unknown as { env: Env }).env;
  return Reflect.apply(attr, owner, args);
}
