/**
 * An adapter that is loaded when one of its methods is first called instead of at cold start, for
 * what a function needs on some paths only (Step Functions on a link's POST, S3 on a review page).
 * Its module and AWS SDK client stay in the bundle, but esbuild evaluates a module reached only by
 * `import()` when it is first imported, so a cold start that never uses it does not pay for it.
 * Every method must return a promise. A failed load is tried again on the next call.
 */
export function onFirstUse<T extends object>(
  load: () => Promise<T>,
  methods: readonly (keyof T & string)[],
): T {
  let loaded: Promise<T> | undefined;
  const adapter = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  const lazy: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of methods) {
    lazy[method] = async (...args) => {
      const target = await adapter();
      return (target[method] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
    };
  }
  return lazy as T;
}
