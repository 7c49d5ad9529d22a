import { EventPatternError, validateEventPattern } from '../services/event-patterns.js';
import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalTopic, LocalTopicSubscription } from './model.js';

/** An e-mail subscription and the topic it subscribes to (by ARN, or by name in a hand-written template). */
export interface TopicSubscription {
  readonly topicArn: string;
  readonly subscription: LocalTopicSubscription;
}

interface SubscriptionProps {
  Protocol?: string;
  Endpoint?: string;
  FilterPolicy?: unknown;
  FilterPolicyScope?: string;
}

/** The e-mail subscription of a template's subscription properties; other protocols are not served. */
function emailSubscription(s: SubscriptionProps, where: string): LocalTopicSubscription | undefined {
  if ((s.Protocol !== 'email' && s.Protocol !== 'email-json') || !s.Endpoint) return undefined;
  const filterPolicy = (typeof s.FilterPolicy === 'string' ? JSON.parse(s.FilterPolicy) : s.FilterPolicy) as
    | Record<string, unknown>
    | undefined;
  if (filterPolicy !== undefined) {
    try {
      validateEventPattern(filterPolicy);
    } catch (error) {
      if (error instanceof EventPatternError)
        throw new AssemblyError(
          `${where}: filter policy: ${error.message.replace('event pattern', 'policy')}`,
        );
      throw error;
    }
  }
  return {
    protocol: s.Protocol,
    endpoint: s.Endpoint,
    ...(filterPolicy !== undefined ? { filterPolicy } : {}),
    ...(s.FilterPolicyScope === 'MessageBody' || s.FilterPolicyScope === 'MessageAttributes'
      ? { filterPolicyScope: s.FilterPolicyScope }
      : {}),
  };
}

/** A topic of the template; its subscriptions are added once every template is read (subscribeTopics). */
export function topicModel(resolver: IntrinsicResolver, stackName: string, logicalId: string): LocalTopic {
  const arn = resolver.arn(stackName, logicalId);
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn,
    emailSubscribers: [],
    subscriptions: [],
  };
}

/** The e-mail subscriptions a topic declares itself (its Subscription property). */
export function topicSubscriptions(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  topicArn: string,
  props: Record<string, unknown>,
): TopicSubscription[] {
  const subscriptions: TopicSubscription[] = [];
  for (const s of (resolver.resolve(props.Subscription, stackName) as SubscriptionProps[] | undefined) ??
    []) {
    const subscription = emailSubscription(s, `topic ${logicalId}`);
    if (subscription) subscriptions.push({ topicArn, subscription });
  }
  return subscriptions;
}

/** The e-mail subscription an AWS::SNS::Subscription declares, if it is one. */
export function subscriptionModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): TopicSubscription | undefined {
  const s = resolver.resolve(props, stackName) as SubscriptionProps & { TopicArn?: string };
  const subscription = emailSubscription(s, `subscription ${logicalId}`);
  if (subscription && s.TopicArn) return { topicArn: s.TopicArn, subscription };
  return undefined;
}

/** Gives each topic its subscriptions, in the order they were read. */
export function subscribeTopics(
  topics: readonly LocalTopic[],
  subscriptions: readonly TopicSubscription[],
): void {
  for (const topic of topics) {
    // TopicArn may also be the topic's name when a template was written by hand.
    const own = subscriptions.filter((s) => s.topicArn === topic.arn || s.topicArn === topic.name);
    topic.subscriptions.push(...own.map((s) => s.subscription));
    topic.emailSubscribers.push(...own.map((s) => s.subscription.endpoint));
  }
}
