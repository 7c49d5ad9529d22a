export type { ExecutionDescription, ExecutionListItem, ExecutionStatus, StepFunctionsApi } from './api.js';
export * from './errors.js';
export type { HistoryEvent } from './history.js';
export { LocalStepFunctions, type LocalStepFunctionsOptions } from './local-step-functions.js';
export type { LocalClock } from './scaled-timers.js';
export type { LambdaInvoker, SnsPublisher } from './task-integrations.js';
