import { describe, expect, it } from 'vitest';
import { modelProblems } from '../../support/sfn-api-model.js';

/** The check the local Step Functions API is held to: it must find what AWS's model would refuse. */
describe('the Step Functions API model check', () => {
  it('names a missing required member, a member the model lacks and a value of the wrong kind', () => {
    const problems = modelProblems('GetExecutionHistoryOutput', {
      events: [
        { id: 1, previousEventId: 0, timestamp: 1_700_000_000, type: 'TaskScheduled' },
        {
          id: '2',
          timestamp: 1_700_000_000,
          type: 'TaskScheduled',
          taskScheduledEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke',
            region: 'local',
            extra: 1,
          },
        },
      ],
    });

    expect(problems).toEqual([
      'GetExecutionHistoryOutput.events[1].id: "2" is not of the model\'s type 1',
      'GetExecutionHistoryOutput.events[1].taskScheduledEventDetails.parameters: required by the model, missing',
      'GetExecutionHistoryOutput.events[1].taskScheduledEventDetails.extra: not a member of TaskScheduledEventDetails',
    ]);
  });

  it('passes what the model allows, and refuses a shape it does not have', () => {
    expect(
      modelProblems('DescribeStateMachineForExecutionOutput', {
        stateMachineArn: 'arn:aws:states:local:000000000000:stateMachine:x',
        name: 'x',
        definition: '{}',
        roleArn: 'arn:aws:iam::000000000000:role/x',
        updateDate: 1_700_000_000,
      }),
    ).toEqual([]);
    expect(() => modelProblems('NoSuchOutput', {})).toThrow('no shape NoSuchOutput');
  });
});
