/** Scenarios: schema, validation, compilation. */
export * from './schema.ts';
export * from './parse.ts';
export * from './compile.ts';
export { resolveDnn, type UnitProfile, type CustomDnn } from './dnn-source.ts';
export * from './json-schema.ts';
