/** State machine and execution ARNs, and the execution names AWS accepts in them. */
import { InvalidArn } from './errors.js';

/** AWS execution names: 1-80 characters, no whitespace, no `<>{}[]?*"#%\^|~`$&,;:/`, no control characters. */
export function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return [...name].every((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

/** `arn:<partition>:states:<region>:<account>:<resourceType>:<name>` */
export function arnParts(arn: string, resourceType: 'stateMachine' | 'execution') {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== resourceType) {
    throw new InvalidArn(`Invalid Arn: '${arn}'`);
  }
  return {
    partition: parts[1] ?? 'aws',
    region: parts[3] ?? '',
    account: parts[4] ?? '',
    name: parts[6] ?? '',
  };
}

export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const { partition, region, account, name } = arnParts(stateMachineArn, 'stateMachine');
  return `arn:${partition}:states:${region}:${account}:execution:${name}:${executionName}`;
}
