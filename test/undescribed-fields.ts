/** Test helper: the fields of a JSON Schema (as zod's toJSONSchema writes it) that carry no description. */

/** Paths of the properties under `node` without a description (a union's field passes when one of its variants has one). */
export function undescribedFields(node: unknown, path = ''): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const n = node as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, child] of Object.entries((n['properties'] ?? {}) as Record<string, Record<string, unknown>>)) {
    const variants = [child, ...((child['anyOf'] ?? child['oneOf'] ?? []) as Array<Record<string, unknown>>)];
    if (!variants.some((v) => typeof v['description'] === 'string' && v['description'].length > 0)) out.push(`${path}.${key}`);
    out.push(...undescribedFields(child, `${path}.${key}`));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) ((n[key] ?? []) as unknown[]).forEach((v, i) => out.push(...undescribedFields(v, `${path}|${i}`)));
  if (n['items']) out.push(...undescribedFields(n['items'], `${path}[]`));
  return out;
}
