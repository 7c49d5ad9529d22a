/**
 * `count` items spread evenly over `items`, in their order, starting `offset` of a step in (so a
 * second sample with offset 0.5 falls between the first one's); items repeat when there are fewer than `count`.
 */
export function spreadSample<T>(items: readonly T[], count: number, offset = 0): T[] {
  if (items.length === 0) return [];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor((i + offset) * step) % items.length] as T);
}
