import { useEffect, useState } from 'preact/hooks';

/**
 * Where the console is: the part of the address after `#` (`#/purchases?stage=APPROVAL`). Hash
 * routes need no server rewrite: every page is the one index.html, on AWS as here.
 */
export interface Route {
  /** `/purchases`, `/purchases/PUR-…`, `/account`. */
  readonly path: string;
  readonly query: URLSearchParams;
}

function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?', 2);
  return { path, query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** The address of a console page, for links and navigation. */
export function href(path: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}
