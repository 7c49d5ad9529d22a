import type { Stack } from 'aws-cdk-lib';
import type { HttpApi, HttpMethod, IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import {
  ServiceFunction,
  type ServiceFunctionProps,
  type TableAccess,
} from '../constructs/service-function.js';

/**
 * What the parts of the application stack share: the stack they create their resources in (so
 * they keep the stack's logical ids), the table, the documents bucket, the link keys, the mail
 * identity and the state machine's fixed names.
 */
export interface StackWiring {
  readonly stack: Stack;
  readonly table: ITable;
  readonly settings: DeploymentSettings;
  readonly documents: IBucket;
  readonly taskLinkKeys: ISecret;
  readonly ngoLinkKeys: ISecret;
  /** The SES identity the functions send as, and the From address. */
  readonly mail: { readonly identityArn: string; readonly from: string };
  /** Where e-mailed links point (the API, or the public name the settings give it). */
  readonly publicBaseUrl: string;
  /** Built from the state machine's fixed name: no reference cycle with the steps it invokes. */
  readonly stateMachine: { readonly name: string; readonly arn: string; readonly aliasArn: string };
}

/** Memory and timeout of a function that needs more than the defaults, and what it does with the table. */
export interface StepOptions extends Pick<ServiceFunctionProps, 'memorySize' | 'timeout'> {
  /** @default 'readWrite'; 'read' for a function that only reads (its role then has no write action). */
  readonly tableAccess?: TableAccess;
}

/** A function of the workflow's use cases: the table and the policy settings. */
export function useCaseFunction(
  wiring: StackWiring,
  id: string,
  name: string,
  description: string,
  { tableAccess, ...sizing }: StepOptions = {},
): ServiceFunction {
  return new ServiceFunction(wiring.stack, id, { name, description, ...sizing })
    .useTable(wiring.table, tableAccess)
    .usePolicySettings(wiring.settings.policy);
}

/** A function of the stages after approval: the lifecycle settings too. */
export function contractFunction(
  wiring: StackWiring,
  id: string,
  name: string,
  description: string,
  options: StepOptions = {},
): ServiceFunction {
  return useCaseFunction(wiring, id, name, description, options).useLifecycleSettings(
    wiring.settings.lifecycle,
  );
}

/** Lets `fn` send mail as the stack's identity. */
export function mails(wiring: StackWiring, fn: ServiceFunction): ServiceFunction {
  return fn.sendMailAs(wiring.mail.identityArn, wiring.mail.from);
}

/** The staff API's routes: each behind the staff sign-in's token. */
export class StaffRoutes {
  constructor(
    private readonly api: HttpApi,
    private readonly staffOnly: IHttpRouteAuthorizer,
  ) {}

  /** Routes `method path` to `fn`; `integrationId` names the integration (and so its logical id). */
  add(method: HttpMethod, path: string, integrationId: string, fn: IFunction): void {
    this.api.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(integrationId, fn),
      authorizer: this.staffOnly,
    });
  }
}
