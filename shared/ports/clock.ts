/** The current instant (ISO 8601); injected so tests control time. */
export type Now = () => string;
export const systemNow: Now = () => new Date().toISOString();
