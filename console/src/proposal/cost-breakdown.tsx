import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { blankCostLine, type CostLineDraft } from './draft.js';
import type { ErrorsByPath } from './field-errors.js';
import { type Edit, Field, onText } from './fields.js';
import { RowList } from './rows.js';
import { SumAgainstTotal } from './sum-against-total.js';
import { sumOfTyped } from './typed-text.js';
import { YuanInput, yuanHint } from './yuan-input.js';

/**
 * The cost breakdown of a value, as typed: each line's item and amount in yuan (rows added and
 * removed), and what the lines add up to against the total. The new proposal's form and the
 * amendment's new value both ask for it.
 */
export function CostBreakdownRows<Draft extends { budgetLines: CostLineDraft[] }>({
  draft,
  edit,
  errors,
  totalFen,
}: {
  draft: Draft;
  edit: Edit<Draft>;
  errors: ErrorsByPath;
  /** The total as typed, when it reads as an amount. */
  totalFen: number | undefined;
}) {
  const sum = sumOfTyped(draft.budgetLines.map((l) => l.amountYuan));
  return (
    <RowList
      path="budgetLines"
      legend={{ zh: '预算明细', en: 'Cost breakdown' }}
      rowLegend={{ zh: '明细', en: 'cost line' }}
      count={draft.budgetLines.length}
      max={50}
      firstField="item"
      errors={errors}
      onAdd={() => edit('budgetLines', (d) => void d.budgetLines.push(blankCostLine()))}
      onRemove={(i) => edit('budgetLines', (d) => void d.budgetLines.splice(i, 1))}
      summary={
        sum !== undefined && (
          <SumAgainstTotal
            what={{ zh: '明细合计', en: 'Lines add up to' }}
            sumFen={sum}
            totalFen={totalFen}
          />
        )
      }
    >
      {(i) => {
        const line = draft.budgetLines[i];
        if (!line) return null;
        return (
          <>
            <Field
              path={`budgetLines[${i}].item`}
              label={{ zh: '用途', en: 'Item' }}
              errors={errors}
              size="double"
            >
              {(w) => (
                <input
                  {...w}
                  value={line.item}
                  maxLength={100}
                  onInput={onText(edit, `budgetLines[${i}].item`, (d, v) => {
                    const row = d.budgetLines[i];
                    if (row) row.item = v;
                  })}
                />
              )}
            </Field>
            <Field
              path={`budgetLines[${i}].amountFen`}
              label={{ zh: '金额（元）', en: 'Amount (yuan)' }}
              errors={errors}
              hint={yuanHint(line.amountYuan)}
            >
              {(w) => (
                <YuanInput
                  wiring={w}
                  value={line.amountYuan}
                  onInput={onText(edit, `budgetLines[${i}].amountFen`, (d, v) => {
                    const row = d.budgetLines[i];
                    if (row) row.amountYuan = v;
                  })}
                />
              )}
            </Field>
          </>
        );
      }}
    </RowList>
  );
}

/** The value's total, typed in yuan (`label` names it as its form does). */
export function TotalYuanField<Draft extends { totalYuan: string }>({
  draft,
  edit,
  errors,
  label,
}: {
  draft: Draft;
  edit: Edit<Draft>;
  errors: ErrorsByPath;
  label: BilingualText;
}) {
  return (
    <Field path="totalFen" label={label} errors={errors} hint={yuanHint(draft.totalYuan)}>
      {(w) => (
        <YuanInput
          wiring={w}
          value={draft.totalYuan}
          onInput={onText(edit, 'totalFen', (d, v) => {
            d.totalYuan = v;
          })}
        />
      )}
    </Field>
  );
}
