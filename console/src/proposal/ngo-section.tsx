import { useEffect, useState } from 'preact/hooks';
import { isValidCreditCode } from '../../../shared/domain/credit-code.js';
import { GRADE_LABELS } from '../../../shared/domain/evaluation.js';
import { ApiError, apiGet, type TokenSource } from '../api.js';
import { CreditCodeHint } from './credit-code-hint.js';
import { Bi, Field, onText, type SectionProps } from './fields.js';
import type { NgoTrackRecord } from './options.js';
import { normalCreditCode } from './proposal-body.js';

type Lookup =
  | { state: 'idle' }
  | { state: 'loading'; code: string }
  | { state: 'found'; record: NgoTrackRecord }
  | { state: 'failed'; message: string };

/**
 * The NGO: its credit code checked character by character as it is typed (the problem named in
 * both languages, under the field), and once the code is valid its track record from the server:
 * each evaluation's grade, and whether a failed one bars the NGO today and until when.
 */
export function NgoSection({ draft, edit, errors, token }: SectionProps & { token: TokenSource }) {
  const code = normalCreditCode(draft.ngo.creditCode);
  const valid = isValidCreditCode(code);
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  useEffect(() => {
    if (!valid) {
      setLookup({ state: 'idle' });
      return;
    }
    let current = true;
    setLookup({ state: 'loading', code });
    apiGet<NgoTrackRecord>(token, `/ngos/${encodeURIComponent(code)}`).then(
      (record) => {
        if (!current) return;
        setLookup({ state: 'found', record });
        // The name it was registered under last time, unless the officer typed one.
        if (record.name)
          edit('ngo.name', (d) => {
            if (d.ngo.name.trim() === '') d.ngo.name = record.name ?? '';
          });
      },
      (e: unknown) =>
        current && setLookup({ state: 'failed', message: e instanceof ApiError ? e.message : String(e) }),
    );
    return () => {
      current = false;
    };
  }, [code, valid, token, edit]);

  return (
    <section aria-labelledby="proposal-ngo" class="form-section">
      <h2 id="proposal-ngo">
        <Bi zh="承接机构" en="The NGO" />
      </h2>
      <div class="form-grid">
        <Field
          path="ngo.creditCode"
          label={{ zh: '统一社会信用代码', en: 'Unified social credit code' }}
          errors={errors}
          hint={<CreditCodeHint typed={draft.ngo.creditCode} inError={errors.has('ngo.creditCode')} />}
        >
          {(w) => (
            <input
              {...w}
              class="code"
              value={draft.ngo.creditCode}
              maxLength={20}
              autoComplete="off"
              spellcheck={false}
              autoCapitalize="characters"
              onInput={onText(edit, 'ngo.creditCode', (d, v) => {
                d.ngo.creditCode = v;
              })}
            />
          )}
        </Field>
        <Field path="ngo.name" label={{ zh: '机构名称', en: 'Name' }} errors={errors} size="double">
          {(w) => (
            <input
              {...w}
              value={draft.ngo.name}
              maxLength={120}
              onInput={onText(edit, 'ngo.name', (d, v) => {
                d.ngo.name = v;
              })}
            />
          )}
        </Field>
        <Field path="ngo.contactEmail" label={{ zh: '联系邮箱', en: 'Contact e-mail' }} errors={errors}>
          {(w) => (
            <input
              {...w}
              type="email"
              value={draft.ngo.contactEmail}
              autoComplete="off"
              onInput={onText(edit, 'ngo.contactEmail', (d, v) => {
                d.ngo.contactEmail = v;
              })}
            />
          )}
        </Field>
      </div>
      <h3>
        <Bi zh="收款账户" en="Bank account" />
      </h3>
      <p class="hint">
        <Bi
          zh="财务每期付款都付到该账户；户名应为机构全称。账号只有财务能看到全文，别处只显示末四位。"
          en="Finance pays every tranche to this account; its name is normally the NGO's full name. Only finance sees the whole number; elsewhere it shows its last four digits."
        />
      </p>
      <div class="form-grid">
        <Field
          path="ngo.bankAccount.bankName"
          label={{ zh: '开户银行', en: 'Bank and branch' }}
          errors={errors}
          size="double"
        >
          {(w) => (
            <input
              {...w}
              value={draft.ngo.bankAccount.bankName}
              maxLength={100}
              autoComplete="off"
              onInput={onText(edit, 'ngo.bankAccount.bankName', (d, v) => {
                d.ngo.bankAccount.bankName = v;
              })}
            />
          )}
        </Field>
        <Field path="ngo.bankAccount.accountName" label={{ zh: '户名', en: 'Account name' }} errors={errors}>
          {(w) => (
            <input
              {...w}
              value={draft.ngo.bankAccount.accountName}
              maxLength={120}
              autoComplete="off"
              onInput={onText(edit, 'ngo.bankAccount.accountName', (d, v) => {
                d.ngo.bankAccount.accountName = v;
              })}
            />
          )}
        </Field>
        <Field
          path="ngo.bankAccount.accountNumber"
          label={{ zh: '账号', en: 'Account number' }}
          hint={
            <Bi
              zh="本机保存的草稿不含账号，重新打开后请再次填写。"
              en="The draft this browser keeps leaves the account number out: type it again after a reload."
            />
          }
          errors={errors}
        >
          {(w) => (
            <input
              {...w}
              class="code"
              value={draft.ngo.bankAccount.accountNumber}
              maxLength={40}
              inputMode="numeric"
              autoComplete="off"
              spellcheck={false}
              onInput={onText(edit, 'ngo.bankAccount.accountNumber', (d, v) => {
                d.ngo.bankAccount.accountNumber = v;
              })}
            />
          )}
        </Field>
      </div>
      <TrackRecord lookup={lookup} />
    </section>
  );
}

function TrackRecord({ lookup }: { lookup: Lookup }) {
  if (lookup.state === 'idle') return null;
  return (
    <div class="track-record" aria-live="polite">
      <h3>
        <Bi zh="履约记录" en="Track record" />
      </h3>
      {lookup.state === 'loading' && <p>正在查询… · Looking it up…</p>}
      {lookup.state === 'failed' && (
        <p class="error">
          <Bi zh="未能查询履约记录。" en={`The track record could not be read: ${lookup.message}`} />
        </p>
      )}
      {lookup.state === 'found' && <Evaluations record={lookup.record} />}
    </div>
  );
}

function Evaluations({ record }: { record: NgoTrackRecord }) {
  return (
    <>
      {record.barred && record.reason ? (
        <div class="notice barred">
          <p>
            <strong>
              <Bi zh={`暂停承接至 ${record.barredUntil}`} en={`Barred until ${record.barredUntil}`} />
            </strong>
          </p>
          <p>
            {record.reason.zh}
            <span class="en" lang="en">
              {record.reason.en}
            </span>
          </p>
        </div>
      ) : (
        <p>
          <Bi zh="该机构目前可以承接新项目。" en="The NGO may take new purchases." />
        </p>
      )}
      {record.evaluations.length === 0 ? (
        <p>
          <Bi zh="暂无第三方评估记录。" en="No third-party evaluation on record yet." />
        </p>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <caption class="visually-hidden">第三方评估记录 · Third-party evaluations</caption>
            <thead>
              <tr>
                <th scope="col">项目 · Purchase</th>
                <th scope="col">评估日期 · Evaluated</th>
                <th scope="col">等级 · Grade</th>
                <th scope="col" class="num">
                  得分 · Points
                </th>
              </tr>
            </thead>
            <tbody>
              {record.evaluations.map((e) => (
                <tr key={e.purchaseId}>
                  <td>
                    {e.title ?? ''}
                    <span class="id">{e.purchaseId}</span>
                  </td>
                  <td>{e.evaluatedOn}</td>
                  <td>
                    {GRADE_LABELS[e.grade].zh} <span lang="en">{GRADE_LABELS[e.grade].en}</span>
                    {e.barsUntil && (
                      <span class="flag">
                        {' '}
                        · 限制至 {e.barsUntil} <span lang="en">bars until {e.barsUntil}</span>
                      </span>
                    )}
                  </td>
                  <td class="num">{e.totalPoints}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
