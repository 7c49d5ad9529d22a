import { isValidCreditCode } from '../../../shared/domain/credit-code.js';
import { Bi } from './fields.js';
import { normalCreditCode } from './proposal-body.js';

/**
 * The hint under a credit code being typed: a tick once the check character is right, how many
 * of the 18 characters are in while it is unfinished (unless an error already says what is
 * wrong), else what a code is.
 */
export function CreditCodeHint({ typed, inError }: { typed: string; inError: boolean }) {
  const code = normalCreditCode(typed);
  if (isValidCreditCode(code))
    return (
      <span class="ok">
        <Bi zh="✓ 校验位正确。" en="✓ The check character is right." />
      </span>
    );
  if (code.length > 0 && code.length < 18 && !inError)
    return <Bi zh={`已输入 ${code.length} / 18 位。`} en={`${code.length} of 18 characters typed.`} />;
  return <Bi zh="18 位，最后一位是校验位。" en="18 characters; the last is a check character." />;
}
