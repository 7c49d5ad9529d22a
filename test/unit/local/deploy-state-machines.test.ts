import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../../infra/local/assembly/model.js';
import { deployStateMachines } from '../../../infra/local/deploy-state-machines.js';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions/index.js';

const ARN = 'arn:aws:states:local:000000000000:stateMachine:lifecycle';
const waitFor = (seconds: number) => ({
  StartAt: 'Hold',
  States: {
    Hold: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: seconds,
      End: true,
    },
  },
});

/** The part of a loaded assembly deployStateMachines reads: one state machine, its version and live alias. */
function template(
  definition: object,
): Pick<LocalApp, 'stateMachines' | 'stateMachineVersions' | 'stateMachineAliases'> {
  return {
    stateMachines: [
      { stackName: 'App', logicalId: 'Lifecycle', name: 'lifecycle', arn: ARN, definition, type: 'STANDARD' },
    ],
    stateMachineVersions: [{ logicalId: 'Version', stateMachineArn: ARN, description: 'this deploy' }],
    stateMachineAliases: [
      { logicalId: 'Live', name: 'live', routes: [{ versionLogicalId: 'Version', weight: 100 }] },
    ],
  };
}

let sfn: LocalStepFunctions;
afterEach(async () => {
  await sfn.stopAllExecutions();
});

describe('deployStateMachines', () => {
  it('publishes the version and creates the alias, then on a redeploy moves the alias and leaves running executions be', async () => {
    sfn = new LocalStepFunctions({
      invokeLambda: async () => ({ payload: {} }),
      clock: { msPerSecond: 1000 },
    });
    await deployStateMachines(sfn, template(waitFor(3600)));
    const first = await sfn.startExecution({ stateMachineArn: `${ARN}:live`, name: 'before' });
    // The same template again changes nothing; a changed definition is version 2.
    await deployStateMachines(sfn, template(waitFor(3600)));
    await deployStateMachines(sfn, template(waitFor(7200)));
    const second = await sfn.startExecution({ stateMachineArn: `${ARN}:live`, name: 'after' });

    expect((await sfn.listStateMachineVersions({ stateMachineArn: ARN })).stateMachineVersions).toHaveLength(
      2,
    );
    expect(
      (await sfn.describeStateMachineAlias({ stateMachineAliasArn: `${ARN}:live` })).routingConfiguration,
    ).toEqual([{ stateMachineVersionArn: `${ARN}:2`, weight: 100 }]);
    const before = await sfn.describeExecution(first);
    const after = await sfn.describeExecution(second);
    expect(before).toMatchObject({ status: 'RUNNING', stateMachineVersionArn: `${ARN}:1` });
    expect(after).toMatchObject({
      status: 'RUNNING',
      stateMachineVersionArn: `${ARN}:2`,
      stateMachineAliasArn: `${ARN}:live`,
    });
    const ranBefore = await sfn.describeStateMachineForExecution(first);
    expect(JSON.parse(ranBefore.definition).States.Hold.TimeoutSeconds).toBe(3600);
  });
});
