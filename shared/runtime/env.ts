export class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

/** Reads a variable the CDK app sets on the function; absent means a broken deployment, said plainly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`environment variable ${name} is not set`);
  return value;
}
