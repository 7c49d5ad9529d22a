export * from './errors.js';
export {
  type ExecutionDescription,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
  type LambdaInvoker,
  type LocalClock,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type SnsPublisher,
} from './local-step-functions.js';
