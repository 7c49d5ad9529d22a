import { useState } from 'preact/hooks';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import type { Delegation } from '../../../shared/domain/delegation.js';
import { DELEGATION_REASON_MAX_CHARS, MAX_DELEGATION_DAYS } from '../../../shared/domain/delegation.js';
import { fieldErrorText } from '../../../shared/presentation/field-error-messages.js';
import { ApiError, apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { ErrorList } from '../proposal/fields.js';
import { useApiGet } from '../use-api.js';

/** The form's inputs, by the server's path of each field (so a 400's errors land at their input). */
const FIELDS = [
  {
    path: 'approverEmail',
    label: { zh: '外出的审批人邮箱', en: "Approver's e-mail" },
    type: 'email',
    adminOnly: true,
  },
  { path: 'delegate.name', label: { zh: '被委托人姓名', en: "Delegate's name" }, type: 'text' },
  { path: 'delegate.email', label: { zh: '被委托人邮箱', en: "Delegate's e-mail" }, type: 'email' },
  { path: 'from', label: { zh: '开始日期', en: 'From' }, type: 'date' },
  { path: 'until', label: { zh: '结束日期（含）', en: 'Until (inclusive)' }, type: 'date' },
] as const;
type FieldPath = (typeof FIELDS)[number]['path'] | 'reason';

const idOf = (path: string) => `delegation-${path.replace('.', '-')}`;

/** What the form sends: the approver's e-mail only when an administrator typed one. */
function bodyOf(values: Record<FieldPath, string>) {
  return {
    ...(values.approverEmail.trim() ? { approverEmail: values.approverEmail.trim() } : {}),
    delegate: { name: values['delegate.name'], email: values['delegate.email'].trim() },
    from: values.from,
    until: values.until,
    reason: values.reason,
  };
}

const EMPTY: Record<FieldPath, string> = {
  approverEmail: '',
  'delegate.name': '',
  'delegate.email': '',
  from: '',
  until: '',
  reason: '',
};

function statusOf(d: Delegation, today: string): BilingualText {
  if (d.endedAt) return { zh: '已结束', en: 'Ended' };
  if (d.until < today) return { zh: '已过期', en: 'Over' };
  if (d.from > today) return { zh: '未开始', en: 'Planned' };
  return { zh: '生效中', en: 'Active' };
}

/**
 * The account page's out-of-office (外出委托): an approver's delegations, a form to name a delegate
 * for a period and "end now"; an administrator sees everyone's and may name one for an approver.
 */
export function DelegationsSection({ token, admin }: { token: TokenSource; admin: boolean }) {
  const { data, error, reload } = useApiGet<{ delegations: Delegation[]; today: string }>(
    token,
    '/my/delegations',
  );
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<ReadonlyMap<string, readonly BilingualText[]>>(new Map());
  const [formErrors, setFormErrors] = useState<readonly BilingualText[]>([]);
  const [saved, setSaved] = useState<string>();
  const [endErrors, setEndErrors] = useState<readonly BilingualText[]>([]);
  const [busy, setBusy] = useState(false);

  const set = (path: FieldPath, value: string) => {
    setValues((v) => ({ ...v, [path]: value }));
    setErrors((e) => new Map([...e].filter(([p]) => p !== path)));
    setSaved(undefined);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const answer = await apiPost<{ delegation: Delegation }>(token, '/my/delegations', bodyOf(values));
      setValues(EMPTY);
      setErrors(new Map());
      setFormErrors([]);
      setSaved(
        `${answer.delegation.delegate.name}（${answer.delegation.from} – ${answer.delegation.until}）`,
      );
      reload();
    } catch (e) {
      const shown = new Set<string>([...FIELDS.map((f) => f.path), 'reason']);
      if (e instanceof ApiError && e.fieldErrors.length > 0) {
        const byPath = new Map<string, BilingualText[]>();
        const rest: BilingualText[] = [];
        for (const fieldError of e.fieldErrors) {
          const text = fieldErrorText(fieldError);
          if (shown.has(fieldError.field))
            byPath.set(fieldError.field, [...(byPath.get(fieldError.field) ?? []), text]);
          else rest.push(text);
        }
        setErrors(byPath);
        setFormErrors(rest);
      } else
        setFormErrors([
          e instanceof ApiError && e.notice
            ? { zh: `未能保存：${e.notice.zh}`, en: `Not saved: ${e.notice.en}` }
            : { zh: '未能保存。', en: `Not saved: ${e instanceof Error ? e.message : String(e)}` },
        ]);
    } finally {
      setBusy(false);
    }
  };

  const end = async (id: string) => {
    setEndErrors([]);
    try {
      await apiPost(token, `/my/delegations/${encodeURIComponent(id)}/end`, {});
    } catch (e) {
      setEndErrors([
        e instanceof ApiError && e.notice
          ? { zh: `未能结束委托：${e.notice.zh}`, en: `The delegation was not ended: ${e.notice.en}` }
          : {
              zh: '未能确认委托已结束，请以下方列表为准并重试。',
              en: 'Could not confirm the delegation ended; the list below shows its state. Try again.',
            },
      ]);
    } finally {
      reload();
    }
  };

  const input = (field: (typeof FIELDS)[number]) => {
    const fieldErrors = errors.get(field.path) ?? [];
    const id = idOf(field.path);
    const common = {
      id,
      name: field.path,
      value: values[field.path],
      'aria-invalid': fieldErrors.length > 0 ? ('true' as const) : undefined,
      'aria-describedby': fieldErrors.length > 0 ? `${id}-error` : undefined,
      onInput: (e: { currentTarget: HTMLInputElement }) => set(field.path, e.currentTarget.value),
    };
    return (
      <div class={`field${fieldErrors.length > 0 ? ' invalid' : ''}`} key={field.path}>
        <label for={id}>
          {field.label.zh} <span lang="en">{field.label.en}</span>
        </label>
        {field.type === 'date' ? (
          <input type="date" {...common} />
        ) : field.type === 'email' ? (
          <input type="email" {...common} />
        ) : (
          <input type="text" {...common} />
        )}
        <ErrorList id={`${id}-error`} errors={fieldErrors} />
      </div>
    );
  };
  const reasonErrors = errors.get('reason') ?? [];

  return (
    <section aria-labelledby="delegations-heading">
      <h2 id="delegations-heading">
        <Bilingual zh="外出委托" en="Out of office" />
      </h2>
      <p class="hint">
        <Bilingual
          zh={`外出期间，您的审批任务（首次通知和提醒）将发给被委托人，记录为“某某 代 您审批”；超时仍转交副局长。最长 ${MAX_DELEGATION_DAYS} 天。`}
          en={`While you are away your tasks (the first ask and the reminder) go to your delegate and are recorded as "X for you"; a task left unanswered still goes to the deputy. At most ${MAX_DELEGATION_DAYS} days.`}
        />
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div role="alert">
        <ErrorList id="delegation-end-error" errors={endErrors} />
      </div>
      {data && data.delegations.length === 0 && (
        <p>
          <Bilingual zh="暂无委托。" en="No delegations." />
        </p>
      )}
      {data && data.delegations.length > 0 && (
        <div class="table-wrap">
          <table class="delegations">
            <thead>
              <tr>
                {admin && <th scope="col">审批人 · Approver</th>}
                <th scope="col">被委托人 · Delegate</th>
                <th scope="col">期间 · Period</th>
                <th scope="col">事由 · Reason</th>
                <th scope="col">状态 · Status</th>
                <th scope="col">
                  <span class="visually-hidden">操作 · Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.delegations.map((d) => {
                const status = statusOf(d, data.today);
                return (
                  <tr key={d.id}>
                    {admin && <td>{d.approverName}</td>}
                    <td>
                      {d.delegate.name} <span class="id">{d.delegate.email}</span>
                    </td>
                    <td>
                      {d.from} – {d.until}
                    </td>
                    <td>{d.reason}</td>
                    <td>
                      {status.zh} · <span lang="en">{status.en}</span>
                    </td>
                    <td>
                      {!d.endedAt && d.until >= data.today && (
                        <button type="button" onClick={() => void end(d.id)}>
                          立即结束 · End now
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h3>
        <Bilingual zh="新增委托" en="Name a delegate" />
      </h3>
      <form class="delegation-form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorList id="delegation-form-error" errors={formErrors} />
        <div class="grid">{FIELDS.filter((f) => admin || !('adminOnly' in f)).map(input)}</div>
        <div class={`field wide${reasonErrors.length > 0 ? ' invalid' : ''}`}>
          <label for="delegation-reason">
            事由 <span lang="en">Reason</span>
          </label>
          <textarea
            id="delegation-reason"
            name="reason"
            rows={2}
            maxLength={DELEGATION_REASON_MAX_CHARS}
            value={values.reason}
            aria-invalid={reasonErrors.length > 0 ? 'true' : undefined}
            aria-describedby={reasonErrors.length > 0 ? 'delegation-reason-error' : undefined}
            onInput={(e) => set('reason', e.currentTarget.value)}
          />
          <ErrorList id="delegation-reason-error" errors={reasonErrors} />
        </div>
        <p>
          <button type="submit" class="primary" disabled={busy}>
            保存委托 · Save delegation
          </button>
        </p>
        {saved && (
          <p role="status" class="verified">
            已委托 {saved} · Delegate named
          </p>
        )}
      </form>
    </section>
  );
}
