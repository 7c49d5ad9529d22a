/** Records go in and out of the fakes as copies, like items read from a table. */
export const copy = <T>(value: T): T => structuredClone(value);
