import { cachedAssembly } from './assembly-cache.js';

/**
 * Builds the app's assembly with the default settings before the integration files start, so
 * files running side by side do not each bundle the same two dozen functions.
 */
export default function setup(): void {
  cachedAssembly();
}
