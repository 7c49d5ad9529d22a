import { cachedAssembly, cachedFixtureAssembly } from './assembly-cache.js';

/**
 * Builds the product's assembly (default settings) and the runtime's fixture app before the
 * integration files start, so files running side by side do not each bundle the same functions.
 */
export default function setup(): void {
  cachedAssembly();
  cachedFixtureAssembly();
}
