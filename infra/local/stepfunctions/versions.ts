/**
 * Versions and aliases of the registered state machines, as AWS keeps them: a version is a numbered,
 * immutable snapshot of a state machine's revision (numbers start at 1 and are never reused); an
 * alias routes the executions started through it to one version, or to two by weight. An execution
 * started through either runs that snapshot, whatever is registered later.
 */
import { randomInt } from 'node:crypto';
import type { RoutingEntry, StateMachineAliasDescription, StateMachineVersionListItem } from './api.js';
import { arnParts } from './arns.js';
import {
  ConflictException,
  InvalidArn,
  InvalidName,
  ResourceNotFound,
  StateMachineDoesNotExist,
  ValidationException,
} from './errors.js';
import type { RegisteredStateMachine } from './execution.js';

interface PublishedVersion {
  readonly arn: string;
  readonly number: number;
  readonly snapshot: RegisteredStateMachine;
  readonly description?: string;
  readonly creationDate: Date;
}

interface Alias {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  description?: string;
  routing: RoutingEntry[];
  readonly creationDate: Date;
  updateDate?: Date;
}

/** What a (possibly qualified) state machine ARN names: what to run, and through which version or alias. */
export interface ExecutionTarget {
  readonly stateMachine: RegisteredStateMachine;
  readonly stateMachineVersionArn?: string;
  readonly stateMachineAliasArn?: string;
}

/** Alias names: 1-80 characters of letters, digits, `-` and `_`, not only digits (that would be a version). */
const ALIAS_NAME = /^(?=.*[a-zA-Z_-])[a-zA-Z0-9_-]{1,80}$/;

/** `<state machine ARN>[:<version number or alias name>]`, its parts. */
export function qualifiedArnParts(arn: string): { stateMachineArn: string; qualifier?: string } {
  const parts = arn.split(':');
  if (parts.length > 8) throw new InvalidArn(`Invalid Arn: '${arn}'`);
  arnParts(arn, 'stateMachine');
  const stateMachineArn = parts.slice(0, 7).join(':');
  return parts.length === 8 ? { stateMachineArn, qualifier: parts[7] } : { stateMachineArn };
}

export class StateMachineVersions {
  readonly #versions = new Map<string, PublishedVersion[]>();
  readonly #aliases = new Map<string, Alias>();
  /** Every version number ever given, per state machine: numbers are not reused. */
  readonly #lastNumber = new Map<string, number>();

  constructor(
    private readonly current: (stateMachineArn: string) => RegisteredStateMachine | undefined,
    private readonly now: () => Date,
  ) {}

  /** PublishStateMachineVersion: idempotent for the current revision. */
  publish(p: { stateMachineArn: string; revisionId?: string; description?: string }): {
    stateMachineVersionArn: string;
    creationDate: Date;
  } {
    const sm = this.#stateMachine(p.stateMachineArn);
    if (p.revisionId !== undefined && p.revisionId !== sm.revisionId) {
      throw new ConflictException(
        `Failed to publish the version: the current revision of the state machine is not '${p.revisionId}'`,
      );
    }
    const versions = this.#versions.get(sm.arn) ?? [];
    const existing = versions.find((v) => v.snapshot.revisionId === sm.revisionId);
    if (existing) return { stateMachineVersionArn: existing.arn, creationDate: existing.creationDate };
    const number = (this.#lastNumber.get(sm.arn) ?? 0) + 1;
    this.#lastNumber.set(sm.arn, number);
    const version: PublishedVersion = {
      arn: `${sm.arn}:${number}`,
      number,
      snapshot: sm,
      ...(p.description === undefined ? {} : { description: p.description }),
      creationDate: this.now(),
    };
    this.#versions.set(sm.arn, [...versions, version]);
    return { stateMachineVersionArn: version.arn, creationDate: version.creationDate };
  }

  /** ListStateMachineVersions: newest first. */
  list(stateMachineArn: string): StateMachineVersionListItem[] {
    const sm = this.#stateMachine(stateMachineArn);
    return [...(this.#versions.get(sm.arn) ?? [])]
      .reverse()
      .map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.creationDate }));
  }

  createAlias(p: { name: string; description?: string; routingConfiguration: RoutingEntry[] }): {
    stateMachineAliasArn: string;
    creationDate: Date;
  } {
    if (!ALIAS_NAME.test(p.name)) throw new InvalidName(`Invalid Name: '${p.name}'`);
    const stateMachineArn = this.#checkedRouting(p.routingConfiguration);
    const arn = `${stateMachineArn}:${p.name}`;
    const existing = this.#aliases.get(arn);
    if (existing) {
      const same = JSON.stringify(existing.routing) === JSON.stringify(p.routingConfiguration);
      if (!same || existing.description !== p.description)
        throw new ConflictException(`Alias already exists with a different configuration: '${arn}'`);
      return { stateMachineAliasArn: arn, creationDate: existing.creationDate };
    }
    const alias: Alias = {
      arn,
      name: p.name,
      stateMachineArn,
      routing: structuredClone(p.routingConfiguration),
      creationDate: this.now(),
      ...(p.description === undefined ? {} : { description: p.description }),
    };
    this.#aliases.set(arn, alias);
    return { stateMachineAliasArn: arn, creationDate: alias.creationDate };
  }

  updateAlias(p: {
    stateMachineAliasArn: string;
    description?: string;
    routingConfiguration?: RoutingEntry[];
  }): {
    updateDate: Date;
  } {
    const alias = this.#alias(p.stateMachineAliasArn);
    if (p.routingConfiguration) {
      if (this.#checkedRouting(p.routingConfiguration) !== alias.stateMachineArn) {
        throw new ValidationException('An alias routes to versions of its own state machine only');
      }
      alias.routing = structuredClone(p.routingConfiguration);
    }
    if (p.description !== undefined) alias.description = p.description;
    alias.updateDate = this.now();
    return { updateDate: alias.updateDate };
  }

  describeAlias(stateMachineAliasArn: string): StateMachineAliasDescription {
    const alias = this.#alias(stateMachineAliasArn);
    return {
      stateMachineAliasArn: alias.arn,
      name: alias.name,
      ...(alias.description === undefined ? {} : { description: alias.description }),
      routingConfiguration: structuredClone(alias.routing),
      creationDate: alias.creationDate,
      ...(alias.updateDate ? { updateDate: alias.updateDate } : {}),
    };
  }

  listAliases(stateMachineArn: string): { stateMachineAliasArn: string; creationDate: Date }[] {
    const sm = this.#stateMachine(stateMachineArn);
    return [...this.#aliases.values()]
      .filter((a) => a.stateMachineArn === sm.arn)
      .map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.creationDate }));
  }

  /** What StartExecution runs for an ARN: the latest revision, a version, or the version an alias picks. */
  target(arn: string): ExecutionTarget {
    const { stateMachineArn, qualifier } = qualifiedArnParts(arn);
    const sm = this.#stateMachine(stateMachineArn);
    if (qualifier === undefined) return { stateMachine: sm };
    if (/^\d+$/.test(qualifier)) {
      const version = this.#version(arn);
      return { stateMachine: version.snapshot, stateMachineVersionArn: version.arn };
    }
    const alias = this.#alias(arn);
    const routed = pickByWeight(alias.routing);
    return {
      stateMachine: this.#version(routed).snapshot,
      stateMachineVersionArn: routed,
      stateMachineAliasArn: alias.arn,
    };
  }

  /** The version an ARN names, for DescribeStateMachine. */
  version(arn: string): { snapshot: RegisteredStateMachine; description?: string; creationDate: Date } {
    return this.#version(arn);
  }

  #stateMachine(stateMachineArn: string): RegisteredStateMachine {
    const sm = this.current(stateMachineArn);
    if (!sm) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${stateMachineArn}'`);
    return sm;
  }

  #version(arn: string): PublishedVersion {
    const { stateMachineArn } = qualifiedArnParts(arn);
    const version = (this.#versions.get(stateMachineArn) ?? []).find((v) => v.arn === arn);
    if (!version) throw new ResourceNotFound(`Resource Not Found: '${arn}'`);
    return version;
  }

  #alias(arn: string): Alias {
    qualifiedArnParts(arn);
    const alias = this.#aliases.get(arn);
    if (!alias) throw new ResourceNotFound(`Resource Not Found: '${arn}'`);
    return alias;
  }

  /** One or two published versions of one state machine, with weights that add up to 100. */
  #checkedRouting(routing: RoutingEntry[]): string {
    if (routing.length < 1 || routing.length > 2) {
      throw new ValidationException('routingConfiguration must have one or two versions');
    }
    const total = routing.reduce((sum, r) => sum + r.weight, 0);
    if (total !== 100 || routing.some((r) => !Number.isInteger(r.weight) || r.weight < 0)) {
      throw new ValidationException(
        'The weights of routingConfiguration must be whole numbers that add up to 100',
      );
    }
    const owners = new Set(
      routing.map((r) => qualifiedArnParts(this.#version(r.stateMachineVersionArn).arn).stateMachineArn),
    );
    if (owners.size !== 1 || new Set(routing.map((r) => r.stateMachineVersionArn)).size !== routing.length) {
      throw new ValidationException('routingConfiguration must name distinct versions of one state machine');
    }
    return [...owners][0] as string;
  }
}

/** The version an execution started through the alias runs: drawn by weight. */
function pickByWeight(routing: readonly RoutingEntry[]): string {
  let draw = randomInt(100);
  for (const entry of routing) {
    if (draw < entry.weight) return entry.stateMachineVersionArn;
    draw -= entry.weight;
  }
  return routing.at(-1)?.stateMachineVersionArn ?? '';
}
