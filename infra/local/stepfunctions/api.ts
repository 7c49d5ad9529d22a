/**
 * The Step Functions API the local engine answers: the operations the Lambdas call (through the HTTP
 * endpoint) and the shapes of what they return.
 */
import type { HistoryEvent } from './history.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** The version it runs, when it was started through a version or an alias. */
  stateMachineVersionArn?: string;
  /** The alias it was started through. */
  stateMachineAliasArn?: string;
}

export interface ExecutionDescription extends ExecutionListItem {
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
  creationDate: Date;
}

export interface StateMachineDescription extends StateMachineListItem {
  status: 'ACTIVE';
  /** The Amazon States Language definition, as JSON text. */
  definition: string;
  roleArn: string;
  revisionId: string;
  /** A version's description. */
  description?: string;
}

/** The definition an execution runs (the one it started on, whatever was registered since). */
export interface StateMachineForExecution {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  updateDate: Date;
  revisionId: string;
}

/** One version an alias routes executions to, and the share of them (percent). */
export interface RoutingEntry {
  stateMachineVersionArn: string;
  weight: number;
}

export interface StateMachineVersionListItem {
  stateMachineVersionArn: string;
  creationDate: Date;
}

export interface StateMachineAliasDescription {
  stateMachineAliasArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingEntry[];
  creationDate: Date;
  updateDate?: Date;
}

/** The operations the HTTP endpoint serves, with AWS's request and response fields. */
export interface StepFunctionsApi {
  listStateMachines(p: {
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ stateMachines: StateMachineListItem[]; nextToken?: string }>;
  describeStateMachine(p: { stateMachineArn: string }): Promise<StateMachineDescription>;
  describeStateMachineForExecution(p: { executionArn: string }): Promise<StateMachineForExecution>;
  startExecution(p: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(p: { executionArn: string }): Promise<ExecutionDescription>;
  listExecutions(p: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ executions: ExecutionListItem[]; nextToken?: string }>;
  getExecutionHistory(p: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }>;
  sendTaskSuccess(p: { taskToken: string; output: string }): Promise<void>;
  sendTaskFailure(p: { taskToken: string; error?: string; cause?: string }): Promise<void>;
  sendTaskHeartbeat(p: { taskToken: string }): Promise<void>;
  stopExecution(p: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }>;
  publishStateMachineVersion(p: {
    stateMachineArn: string;
    revisionId?: string;
    description?: string;
  }): Promise<{ stateMachineVersionArn: string; creationDate: Date }>;
  listStateMachineVersions(p: {
    stateMachineArn: string;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ stateMachineVersions: StateMachineVersionListItem[]; nextToken?: string }>;
  createStateMachineAlias(p: {
    name: string;
    description?: string;
    routingConfiguration: RoutingEntry[];
  }): Promise<{ stateMachineAliasArn: string; creationDate: Date }>;
  updateStateMachineAlias(p: {
    stateMachineAliasArn: string;
    description?: string;
    routingConfiguration?: RoutingEntry[];
  }): Promise<{ updateDate: Date }>;
  describeStateMachineAlias(p: { stateMachineAliasArn: string }): Promise<StateMachineAliasDescription>;
  listStateMachineAliases(p: { stateMachineArn: string; maxResults?: number; nextToken?: string }): Promise<{
    stateMachineAliases: { stateMachineAliasArn: string; creationDate: Date }[];
    nextToken?: string;
  }>;
}
