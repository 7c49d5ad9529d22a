import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiGet, type TokenSource } from './api.js';

/**
 * A GET of the staff API as a page reads it: the answer once it is there, the error to show if
 * it failed, and `reload` to ask again (after an action changed what it shows).
 */
export function useApiGet<T>(
  token: TokenSource,
  path: string,
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loads, setLoads] = useState(0);
  // `loads` is how reload asks again.
  useEffect(() => {
    apiGet<T>(token, path).then(
      (answer) => {
        setData(answer);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof ApiError ? `${e.status}: ${e.message}` : String(e)),
    );
  }, [token, path, loads]);
  return { data, error, reload: () => setLoads((n) => n + 1) };
}
