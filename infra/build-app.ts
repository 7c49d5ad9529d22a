import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeploymentSettings } from '../shared/config/settings.js';
import { DEFAULT_SETTINGS_FILE, loadSettings } from './settings.js';
import { ApplicationStack } from './stacks/application-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

export interface BuiltApp {
  app: App;
  stateful: StatefulStack;
  application: ApplicationStack;
  settings: DeploymentSettings;
}

/**
 * Builds the whole product: the same function serves `cdk synth`/`cdk deploy`, the local
 * runtime and the infrastructure tests, so all three look at one app.
 */
export function buildApp(props: AppProps & { settings?: DeploymentSettings } = {}): BuiltApp {
  const app = new App({
    ...props,
    // Records live in their own stack; a strong reference keeps the table from being removed under the app.
    context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...props.context },
  });
  const settingsFile =
    (app.node.tryGetContext('settingsFile') as string | undefined) ?? DEFAULT_SETTINGS_FILE;
  const settings = props.settings ?? loadSettings(settingsFile);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, 'NgoPurchaseRecords', {
    env,
    description: 'Records of NGO service purchases',
    uploadOrigin: settings.publicBaseUrl ? new URL(settings.publicBaseUrl).origin : undefined,
    ...(settings.documentLockMode ? { documentLockMode: settings.documentLockMode } : {}),
  });
  const application = new ApplicationStack(app, 'NgoPurchaseApp', {
    env,
    description: 'NGO service purchase workflow, API and links',
    table: stateful.table,
    settings,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, application, settings };
}
