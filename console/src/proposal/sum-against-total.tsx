import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { type Fen, formatYuan } from '../../../shared/domain/money.js';
import { Bi } from './fields.js';

/**
 * A live sum of amounts typed and how it stands against the total ("Lines add up to ¥…, the
 * total." or "…, ¥… short of the total."), under the cost lines of a proposal or an amendment
 * and the tranches of an amendment.
 */
export function SumAgainstTotal({
  what,
  sumFen,
  totalFen,
}: {
  /** What is summed, e.g. 明细合计 / Lines add up to. */
  what: BilingualText;
  sumFen: Fen;
  /** Undefined while the total is not an amount. */
  totalFen: Fen | undefined;
}) {
  const gap = totalFen === undefined ? 0 : Math.abs(totalFen - sumFen);
  return (
    <Bi
      zh={`${what.zh} ${formatYuan(sumFen)}${totalFen === undefined ? '' : sumFen === totalFen ? '，与总金额相符。' : `，与总金额相差 ${formatYuan(gap)}。`}`}
      en={`${what.en} ${formatYuan(sumFen)}${totalFen === undefined ? '' : sumFen === totalFen ? ', the total.' : `, ${formatYuan(gap)} ${sumFen < (totalFen ?? 0) ? 'short of' : 'over'} the total.`}`}
    />
  );
}
