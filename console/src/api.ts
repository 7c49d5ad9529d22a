/**
 * The staff API, on the console's own origin (CloudFront routes the API's paths to it on AWS; the
 * local runtime does the same), with the signed-in person's ID token.
 */

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Field errors of a 400 (`field`, `message`, `allowed`), for the form that sent it. */
    readonly fieldErrors: readonly FieldError[] = [],
    /** Why an action was refused (a 409's `message`), in both languages, when the server said it so. */
    readonly notice?: { readonly zh: string; readonly en: string },
  ) {
    super(message);
  }
}

export interface FieldError {
  readonly field: string;
  readonly rule?: string;
  readonly message: string;
  readonly allowed?: string;
  /** The server's Chinese sentence, when the rule has figures to name (what is left on a budget line). */
  readonly zh?: string;
}

export type TokenSource = () => string;

export async function apiGet<T>(token: TokenSource, path: string): Promise<T> {
  return apiCall<T>(token, 'GET', path);
}

export async function apiPost<T>(
  token: TokenSource,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  return apiCall<T>(token, 'POST', path, body, headers);
}

/** Replaces what is at `path` (a reference-data section) with `body`. */
export async function apiPut<T>(token: TokenSource, path: string, body: unknown): Promise<T> {
  return apiCall<T>(token, 'PUT', path, body);
}

async function apiCall<T>(
  token: TokenSource,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token()}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? {}) as { message?: unknown; errors?: unknown };
    const notice = problem.message as { zh?: unknown; en?: unknown } | undefined;
    const bilingual =
      typeof notice === 'object' && typeof notice?.zh === 'string' && typeof notice.en === 'string'
        ? { zh: notice.zh, en: notice.en }
        : undefined;
    throw new ApiError(
      response.status,
      typeof problem.message === 'string'
        ? problem.message
        : (bilingual?.en ?? `${method} ${path}: ${response.status}`),
      Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : [],
      bilingual,
    );
  }
  return parsed as T;
}
