import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BUCKET_NOTIFICATIONS_TYPE,
  bucketModel,
  bucketNotificationHandlers,
  bucketNotificationModels,
} from './buckets.js';
import { bucketDeploymentHandlers, consoleDistributionModel } from './console-distribution.js';
import { AssemblyError, UnsupportedIntrinsicError } from './errors.js';
import { eventRuleModel } from './event-rules.js';
import { functionModel } from './functions.js';
import { routeModel, withStageThrottling } from './http-routes.js';
import { IntrinsicResolver, type ResolverOptions } from './intrinsics.js';
import type { LocalApp, LocalHttpRoute } from './model.js';
import { rolePermissions } from './role-permissions.js';
import { secretModel } from './secrets.js';
import { stateMachineAliasModel, stateMachineModel, stateMachineVersionModel } from './state-machines.js';
import { tableModel } from './tables.js';
import type { CfnTemplate, StackTemplate } from './template.js';
import {
  subscribeTopics,
  subscriptionModel,
  type TopicSubscription,
  topicModel,
  topicSubscriptions,
} from './topics.js';
import { triggerModels, triggerProviderHandlers } from './triggers.js';

/**
 * Reads a synthesized cloud assembly (cdk.out) and turns its CloudFormation templates into the
 * model the local runtime runs: tables to create, functions to load, state machines to register,
 * HTTP routes to serve and secrets to answer. Intrinsics are resolved the way CloudFormation would,
 * with local physical names (the logical id unless the template names the resource).
 */

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: Record<string, unknown>; displayName?: string }>;
}

/** Reads manifest.json (and nested assemblies of stages) and returns every stack template. */
export function readStackTemplates(assemblyDir: string): StackTemplate[] {
  const manifestPath = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new AssemblyError(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const stacks: StackTemplate[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = artifact.properties?.templateFile;
      if (typeof templateFile !== 'string') continue;
      const stackName =
        typeof artifact.properties?.stackName === 'string' ? artifact.properties.stackName : artifactId;
      const template = JSON.parse(readFileSync(join(assemblyDir, templateFile), 'utf8')) as CfnTemplate;
      stacks.push({ stackName, template });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const directoryName = artifact.properties?.directoryName;
      if (typeof directoryName === 'string')
        stacks.push(...readStackTemplates(join(assemblyDir, directoryName)));
    }
  }
  return stacks;
}

/** Loads a cloud assembly into the model the local runtime runs. */
export function loadAssembly(assemblyDir: string, options: ResolverOptions): LocalApp {
  const dir = resolve(assemblyDir);
  const stacks = readStackTemplates(dir);
  const resolver = new IntrinsicResolver(stacks, options);
  const app: LocalApp = {
    assemblyDir: dir,
    stackNames: stacks.map((s) => s.stackName),
    tables: [],
    functions: [],
    stateMachines: [],
    stateMachineVersions: [],
    stateMachineAliases: [],
    routes: [],
    secrets: [],
    topics: [],
    buckets: [],
    bucketNotifications: [],
    eventRules: [],
    triggers: [],
    warnings: [],
    outputs: {},
  };
  const notificationResources: { stackName: string; logicalId: string; props: Record<string, unknown> }[] =
    [];
  const subscriptions: TopicSubscription[] = [];
  const routeResources: { stackName: string; logicalId: string; props: Record<string, unknown> }[] = [];
  const stages: { apiId: string; props: Record<string, unknown> }[] = [];
  const ruleResources: { stackName: string; logicalId: string; props: Record<string, unknown> }[] = [];

  for (const { stackName, template } of stacks) {
    // Custom-resource providers of the CDK run on AWS only: the runtime does their work itself.
    const notificationHandlers = bucketNotificationHandlers(template);
    const deploymentHandlers = bucketDeploymentHandlers({ stackName, template });
    const triggerProviders = triggerProviderHandlers(template);
    app.triggers.push(...triggerModels(stackName, template));
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          app.tables.push(tableModel(resolver, stackName, logicalId, props));
          break;
        case 'AWS::Lambda::Function':
          if (
            !notificationHandlers.has(logicalId) &&
            !deploymentHandlers.has(logicalId) &&
            !triggerProviders.has(logicalId)
          ) {
            const permissions = rolePermissions(resolver, stackName, resource, app.warnings);
            app.functions.push({
              ...functionModel(resolver, dir, stackName, logicalId, resource),
              ...(permissions ? { permissions } : {}),
            });
          }
          break;
        case 'AWS::S3::Bucket':
          app.buckets.push(bucketModel(resolver, stackName, logicalId, props));
          if (props.NotificationConfiguration !== undefined)
            notificationResources.push({ stackName, logicalId, props });
          break;
        case BUCKET_NOTIFICATIONS_TYPE:
          notificationResources.push({ stackName, logicalId, props });
          break;
        case 'AWS::StepFunctions::StateMachine':
          app.stateMachines.push(stateMachineModel(resolver, stackName, logicalId, props));
          break;
        case 'AWS::StepFunctions::StateMachineVersion':
          app.stateMachineVersions.push(stateMachineVersionModel(resolver, stackName, logicalId, props));
          break;
        case 'AWS::StepFunctions::StateMachineAlias':
          app.stateMachineAliases.push(stateMachineAliasModel(logicalId, props));
          break;
        case 'AWS::ApiGatewayV2::Route':
          routeResources.push({ stackName, logicalId, props });
          break;
        case 'AWS::ApiGatewayV2::Stage':
          stages.push({ apiId: resolver.resolveString(props.ApiId, stackName, `stage ${logicalId}`), props });
          break;
        case 'AWS::Events::Rule':
          ruleResources.push({ stackName, logicalId, props });
          break;
        case 'AWS::SecretsManager::Secret':
          app.secrets.push(secretModel(resolver, stackName, logicalId, props));
          break;
        case 'AWS::SNS::Topic': {
          const topic = topicModel(resolver, stackName, logicalId);
          app.topics.push(topic);
          subscriptions.push(...topicSubscriptions(resolver, stackName, logicalId, topic.arn, props));
          break;
        }
        case 'AWS::SNS::Subscription': {
          const subscription = subscriptionModel(resolver, stackName, logicalId, props);
          if (subscription) subscriptions.push(subscription);
          break;
        }
      }
    }
    const outputs: Record<string, string> = {};
    for (const [key, output] of Object.entries(template.Outputs ?? {})) {
      // An output the local runtime cannot resolve (a custom resource attribute) is simply not listed.
      try {
        outputs[key] = resolver.resolveString(output.Value, stackName, `output ${key}`);
      } catch (error) {
        if (!(error instanceof UnsupportedIntrinsicError)) throw error;
      }
    }
    app.outputs[stackName] = outputs;
  }

  subscribeTopics(app.topics, subscriptions);
  const routes: LocalHttpRoute[] = [];
  for (const route of routeResources) {
    const model = routeModel(resolver, app.functions, route.stackName, route.logicalId, route.props);
    if (model) routes.push(model);
  }
  app.routes.push(...withStageThrottling(routes, stages));
  const eventBridgeBuckets = new Set<string>();
  for (const source of notificationResources) {
    const { bucketName, eventBridgeEnabled, notifications } = bucketNotificationModels(
      resolver,
      app.functions,
      source.stackName,
      source.logicalId,
      source.props,
    );
    app.bucketNotifications.push(...notifications);
    if (eventBridgeEnabled) eventBridgeBuckets.add(bucketName);
  }
  app.buckets.splice(
    0,
    app.buckets.length,
    ...app.buckets.map((b) => ({ ...b, eventBridgeEnabled: eventBridgeBuckets.has(b.name) })),
  );
  for (const rule of ruleResources) {
    const model = eventRuleModel(
      resolver,
      app.functions,
      app.warnings,
      rule.stackName,
      rule.logicalId,
      rule.props,
    );
    if (model) app.eventRules.push(model);
  }
  const consoleDistribution = consoleDistributionModel(resolver, dir, stacks);
  return consoleDistribution ? { ...app, consoleDistribution } : app;
}
