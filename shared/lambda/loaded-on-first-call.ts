/** A port whose methods all answer with a promise, so a call can wait for its adapter to load. */
export type AsyncPort<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
};

/**
 * A port whose adapter, and the AWS client behind it, is loaded by its first call instead of at
 * cold start. A page that a person opens from a mail pays on its GET only for the clients that GET
 * uses; Step Functions or S3 load on the request that needs them, once per execution environment.
 * esbuild bundles a dynamically imported module into the same file but runs it only when
 * imported. A failed load is not remembered: the next call tries again.
 */
export function loadedOnFirstCall<T extends AsyncPort<T>>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const port = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return new Proxy({} as T, {
    get(_target, method) {
      if (typeof method !== 'string' || method === 'then') return undefined;
      return async (...args: unknown[]) => {
        const loaded = await port();
        const call = loaded[method as keyof T] as unknown;
        if (typeof call !== 'function') throw new TypeError(`the loaded port has no method ${method}`);
        return (call as (...a: unknown[]) => Promise<unknown>).apply(loaded, args);
      };
    },
  });
}
