/**
 * Resolves an ASL reference path (`$`, `$.a.b`, `$.list[0]`, `$['odd key']`, or `$$.` for the context
 * object) the way TimeoutSecondsPath, HeartbeatSecondsPath, SecondsPath and TimestampPath use it.
 * Returns undefined when the path selects nothing.
 */
export function resolveReferencePath(path: string, input: unknown, context: unknown): unknown {
  const fromContext = path.startsWith('$$');
  let rest = fromContext ? path.slice(2) : path.slice(1);
  if (!path.startsWith('$')) return undefined;
  let node: unknown = fromContext ? context : input;
  while (rest.length > 0) {
    const step = /^\.([^.[\]]+)|^\[(\d+)\]|^\['([^']*)'\]|^\["([^"]*)"\]/.exec(rest);
    if (!step) return undefined;
    rest = rest.slice(step[0].length);
    const index = step[2];
    if (index !== undefined) {
      node = Array.isArray(node) ? node[Number(index)] : undefined;
    } else {
      const key = step[1] ?? step[3] ?? step[4] ?? '';
      node =
        node !== null && typeof node === 'object' && !Array.isArray(node)
          ? (node as Record<string, unknown>)[key]
          : undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}
