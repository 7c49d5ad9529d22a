import { formatYuan } from '../../../shared/domain/money.js';
import { TRANCHE_MILESTONE_LABELS } from '../../../shared/presentation/labels.js';
import { CostBreakdownRows, TotalYuanField } from '../proposal/cost-breakdown.js';
import type { ErrorsByPath } from '../proposal/field-errors.js';
import { Bi, type Edit, Field, onText } from '../proposal/fields.js';
import { RowList } from '../proposal/rows.js';
import { SumAgainstTotal } from '../proposal/sum-against-total.js';
import { fenOfText, sumOfTyped } from '../proposal/typed-text.js';
import { YuanInput, yuanHint } from '../proposal/yuan-input.js';
import type { AmendmentValueDraft } from './amendment-value.js';

/**
 * The amendment form's new value: the total in yuan, the cost breakdown (rows added, removed,
 * edited) and each tranche's amount, with live sums against the total. A tranche finance was
 * already told to pay is shown with its amount and cannot be edited.
 */
export function AmendmentValueFields({
  draft,
  edit,
  errors,
}: {
  draft: AmendmentValueDraft;
  edit: Edit<AmendmentValueDraft>;
  errors: ErrorsByPath;
}) {
  const totalFen = fenOfText(draft.totalYuan);
  const tranchesSum = sumOfTyped(draft.tranches.map((t) => t.amountYuan));
  return (
    <fieldset class="amendment-value">
      <legend>
        <Bi
          zh="新的合同金额与付款安排（不改可不动）"
          en="New value and tranche plan (leave as it is to keep it)"
        />
      </legend>
      <div class="form-grid">
        <TotalYuanField
          draft={draft}
          edit={edit}
          errors={errors}
          label={{ zh: '合同总金额（元）', en: 'Contract value (yuan)' }}
        />
      </div>

      <CostBreakdownRows draft={draft} edit={edit} errors={errors} totalFen={totalFen} />

      <RowList
        path="tranches"
        legend={{ zh: '各期付款金额', en: 'Tranche amounts' }}
        rowLegend={{ zh: '期', en: 'tranche' }}
        count={draft.tranches.length}
        min={draft.tranches.length}
        max={draft.tranches.length}
        errors={errors}
        onAdd={() => undefined}
        onRemove={() => undefined}
        summary={
          tranchesSum !== undefined && (
            <SumAgainstTotal
              what={{ zh: '各期合计', en: 'Tranches add up to' }}
              sumFen={tranchesSum}
              totalFen={totalFen}
            />
          )
        }
      >
        {(i) => {
          const tranche = draft.tranches[i];
          if (!tranche) return null;
          const label = TRANCHE_MILESTONE_LABELS[tranche.milestone];
          const path = `tranches[${i}].amountFen`;
          if (tranche.settled) {
            const fen = fenOfText(tranche.amountYuan) ?? 0;
            return (
              <p class="settled-tranche">
                <Bi
                  zh={`${label.zh}：${formatYuan(fen)}（已通知财务付款，金额不变）`}
                  en={`${label.en}: ${formatYuan(fen)} (finance was told to pay it: it stays as it is)`}
                />
              </p>
            );
          }
          return (
            <Field
              path={path}
              label={{ zh: `${label.zh}（元）`, en: `${label.en} (yuan)` }}
              errors={errors}
              size="double"
              hint={yuanHint(tranche.amountYuan)}
            >
              {(w) => (
                <YuanInput
                  wiring={w}
                  value={tranche.amountYuan}
                  onInput={onText(edit, path, (d, v) => {
                    const row = d.tranches[i];
                    if (row) row.amountYuan = v;
                  })}
                />
              )}
            </Field>
          );
        }}
      </RowList>
    </fieldset>
  );
}
