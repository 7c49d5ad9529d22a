import type { DeploymentSettings } from '../../shared/config/settings.js';
import { buildAppForTest } from '../infra/build.js';
import { TEST_SETTINGS } from './settings.js';

/** Lambda ARNs in the resolved definition name each function by its logical id. */
export const LOCAL_FUNCTION_ARN_PREFIX = 'arn:aws:lambda:local:000000000000:function:';

/**
 * The purchase lifecycle's Amazon States Language definition as the CDK app synthesizes it
 * (what CloudFormation would deploy), with each function ARN replaced by
 * `LOCAL_FUNCTION_ARN_PREFIX` + the function's logical id. By default from the settings with their
 * waits in seconds (scripted plan steps give no timeouts); from other settings, another revision of it.
 */
export function lifecycleDefinition(settings: DeploymentSettings = TEST_SETTINGS): Record<string, unknown> {
  const { application } = buildAppForTest(settings);
  const template = JSON.parse(
    JSON.stringify(
      application.resolve(
        (application.lifecycle.stateMachine.node.defaultChild as { definitionString?: unknown })
          .definitionString,
      ),
    ),
  );
  const parts = template['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (p.Ref === 'AWS::Partition') return 'aws';
      if (p['Fn::GetAtt']) return `${LOCAL_FUNCTION_ARN_PREFIX}${p['Fn::GetAtt'][0]}`;
      throw new Error(`unexpected intrinsic ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text) as Record<string, unknown>;
}
