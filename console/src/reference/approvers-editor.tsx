import type { ApproverRoster } from '../../../shared/domain/reference-data.js';
import type { TokenSource } from '../api.js';
import { Field, onText } from '../proposal/fields.js';
import { APPROVERS, type ApproversDraft } from './approvers-draft.js';
import { type EditorProps, ReferenceSection } from './reference-section.js';
import { APPROVER_ROLE_LABELS, APPROVER_ROLES, type SectionView } from './reference-view.js';

/** Who approves at each level, and the deputy who takes a task an approver let time out. */
export function ApproversSection({
  token,
  section,
  mayEdit,
  reloadPage,
}: {
  token: TokenSource;
  section: SectionView<ApproverRoster>;
  mayEdit: boolean;
  reloadPage: () => void;
}) {
  return (
    <ReferenceSection
      token={token}
      drafting={APPROVERS}
      section={section}
      mayEdit={mayEdit}
      reloadPage={reloadPage}
      rules={{
        zh: '每个岗位一人，须填写姓名和有效的邮箱；审批链接发送到该邮箱。',
        en: 'One person for each role, with a name and a valid e-mail address: approval links are mailed there.',
      }}
      table={(roster) => <ApproversTable roster={roster} />}
      editor={(form) => <ApproversEditor {...form} />}
    />
  );
}

function ApproversTable({ roster }: { roster: ApproverRoster }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">岗位 · Role</th>
          <th scope="col">姓名 · Name</th>
          <th scope="col">邮箱 · E-mail</th>
        </tr>
      </thead>
      <tbody>
        {APPROVER_ROLES.map((role) => (
          <tr key={role}>
            <th scope="row">
              {APPROVER_ROLE_LABELS[role].zh} <span lang="en">{APPROVER_ROLE_LABELS[role].en}</span>
            </th>
            <td>{roster[role]?.name ?? '未设置 · Not set'}</td>
            <td>
              <span class="id">{roster[role]?.email ?? ''}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ApproversEditor({ draft, edit, errors }: EditorProps<ApproversDraft>) {
  return (
    <>
      {APPROVER_ROLES.map((role) => {
        const path = (f: 'name' | 'email') => `approvers.${role}.${f}`;
        return (
          <fieldset class="row" key={role}>
            <legend>
              {APPROVER_ROLE_LABELS[role].zh} <span lang="en">{APPROVER_ROLE_LABELS[role].en}</span>
            </legend>
            <div class="row-fields">
              <Field path={path('name')} label={{ zh: '姓名', en: 'Name' }} errors={errors}>
                {(w) => (
                  <input
                    {...w}
                    value={draft[role].name}
                    maxLength={80}
                    autoComplete="off"
                    onInput={onText(edit, path('name'), (d: ApproversDraft, v) => {
                      d[role].name = v;
                    })}
                  />
                )}
              </Field>
              <Field path={path('email')} label={{ zh: '邮箱', en: 'E-mail' }} errors={errors} size="double">
                {(w) => (
                  <input
                    {...w}
                    type="email"
                    value={draft[role].email}
                    autoComplete="off"
                    spellcheck={false}
                    onInput={onText(edit, path('email'), (d: ApproversDraft, v) => {
                      d[role].email = v;
                    })}
                  />
                )}
              </Field>
            </div>
          </fieldset>
        );
      })}
    </>
  );
}
