import { hasPermission, type StaffMember } from '../../../shared/domain/staff-roles.js';
import type { TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { Bi } from '../proposal/fields.js';
import { AgenciesSection } from '../reference/agencies-editor.js';
import { ApproversSection } from '../reference/approvers-editor.js';
import { BudgetLinesSection } from '../reference/budget-lines-editor.js';
import { ChangeList } from '../reference/change-list.js';
import type { ReferenceDataView } from '../reference/reference-view.js';
import { SalaryBenchmarksSection } from '../reference/salary-benchmarks-editor.js';
import { useApiGet } from '../use-api.js';

/**
 * The bureau's reference data (基础数据): budget lines, salary benchmarks, approvers and the
 * evaluation agencies, each a table with who changed it last; the administrator edits each
 * section on its own, auditors read them. Below, every change on its verified audit trail.
 */
export function ReferenceDataPage({ token, staff }: { token: TokenSource; staff: StaffMember }) {
  const { data: view, error, reload } = useApiGet<ReferenceDataView>(token, '/reference-data');
  const mayEdit = hasPermission(staff, 'editReferenceData');
  const sections = { token, mayEdit, reloadPage: reload };
  return (
    <>
      <h1>
        <Bilingual zh="基础数据" en="Reference data" />
      </h1>
      {/* A failed reading again keeps what was read before on the screen, edits included. */}
      {error && (
        <p role="alert" class="error">
          <Bi zh="未能读取基础数据。" en={`The reference data could not be read: ${error}`} />
        </p>
      )}
      {!view && !error && <p aria-live="polite">加载中 · Loading…</p>}
      {view && (
        <>
          <p class="hint">
            {mayEdit ? (
              <Bi
                zh="每部分单独修改和保存；保存后用于此后的立项、审批和评估指派。"
                en="Each section is edited and saved on its own; what is saved applies to proposals, approvals and evaluation assignments from then on."
              />
            ) : (
              <Bi zh="基础数据由系统管理员维护。" en="The administrator keeps the reference data." />
            )}
          </p>
          <BudgetLinesSection {...sections} section={view.sections.budgetLines} />
          <SalaryBenchmarksSection {...sections} section={view.sections.salaryBenchmarks} />
          <ApproversSection {...sections} section={view.sections.approvers} />
          <AgenciesSection {...sections} section={view.sections.agencies} />
          <ChangeList changes={view.changes} chain={view.chain} />
        </>
      )}
    </>
  );
}
