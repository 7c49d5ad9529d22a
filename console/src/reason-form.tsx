import { useState } from 'preact/hooks';
import type { BilingualText } from '../../shared/domain/bilingual.js';
import { fieldErrorText } from '../../shared/presentation/field-error-messages.js';
import { ApiError } from './api.js';
import { Bilingual } from './bilingual.js';
import { ErrorList } from './proposal/fields.js';

/** What a ReasonForm says and does. */
export interface ReasonFormProps {
  /** The textarea's id (and the prefix of its hint's and error's ids). */
  id: string;
  /** The form's class, for its place on the page. */
  class: string;
  label: BilingualText;
  hint: BilingualText;
  maxLength: number;
  /** The first button; clicking it asks for the second, deliberate click. */
  action: BilingualText;
  confirm: BilingualText;
  /** Said before the server's reason when the request fails, e.g. 未能撤回 / Not withdrawn. */
  failed: BilingualText;
  /** A one-line field asked for before the reason (a corrected reference), sent as typed. */
  field?: { name: string; label: BilingualText; hint: BilingualText; maxLength: number };
  /** Sends the reason (and the field) as typed: the server trims and checks them. */
  submit: (reason: string, field: string) => Promise<unknown>;
  onDone: () => void;
}

/**
 * An action that needs a reason and a second, deliberate click (withdrawing a proposal, waiving a
 * tranche, correcting a payment record's reference, which also asks for the reference): the reason,
 * then the action button, which turns into its confirmation. The server's
 * refusal is shown under the reason in both languages: a field error by its rule, a refusal of the
 * action (a 409) by the notice it sent.
 */
export function ReasonForm(props: ReasonFormProps) {
  const [reason, setReason] = useState('');
  const [field, setField] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<readonly BilingualText[]>([]);
  const [fieldErrors, setFieldErrors] = useState<readonly BilingualText[]>([]);
  const [busy, setBusy] = useState(false);
  const { id } = props;
  const fieldId = `${id}-${props.field?.name ?? 'field'}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    try {
      await props.submit(reason, field);
      // Done: the form is blank again (the page shows what was recorded).
      setReason('');
      setField('');
      setConfirming(false);
      setErrors([]);
      setFieldErrors([]);
      props.onDone();
    } catch (e) {
      setConfirming(false);
      setFieldErrors([]);
      const named = props.field?.name;
      if (e instanceof ApiError && e.fieldErrors.length > 0) {
        // Each refusal under the field it is about: the extra field's, the rest under the reason.
        setFieldErrors(e.fieldErrors.filter((f) => f.field === named).map(fieldErrorText));
        setErrors(e.fieldErrors.filter((f) => f.field !== named).map(fieldErrorText));
      } else if (e instanceof ApiError && e.notice)
        setErrors([{ zh: `${props.failed.zh}${e.notice.zh}`, en: `${props.failed.en}: ${e.notice.en}` }]);
      else
        setErrors([
          { zh: props.failed.zh, en: `${props.failed.en}: ${e instanceof Error ? e.message : String(e)}` },
        ]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class={props.class} onSubmit={(e) => void submit(e)} noValidate>
      {props.field && (
        <div class={`field wide${fieldErrors.length > 0 ? ' invalid' : ''}`}>
          <label for={fieldId}>
            {props.field.label.zh} <span lang="en">{props.field.label.en}</span>
          </label>
          <input
            id={fieldId}
            name={props.field.name}
            class="code"
            value={field}
            maxLength={props.field.maxLength}
            autoComplete="off"
            spellcheck={false}
            aria-describedby={`${fieldId}-hint${fieldErrors.length > 0 ? ` ${fieldId}-error` : ''}`}
            aria-invalid={fieldErrors.length > 0 ? 'true' : undefined}
            onInput={(e) => {
              setField(e.currentTarget.value);
              setConfirming(false);
              setFieldErrors([]);
            }}
          />
          <p class="hint" id={`${fieldId}-hint`}>
            <Bilingual zh={props.field.hint.zh} en={props.field.hint.en} />
          </p>
          <ErrorList id={`${fieldId}-error`} errors={fieldErrors} />
        </div>
      )}
      <div class={`field wide${errors.length > 0 ? ' invalid' : ''}`}>
        <label for={id}>
          {props.label.zh} <span lang="en">{props.label.en}</span>
        </label>
        <textarea
          id={id}
          name="reason"
          rows={3}
          maxLength={props.maxLength}
          value={reason}
          aria-describedby={`${id}-hint${errors.length > 0 ? ` ${id}-error` : ''}`}
          aria-invalid={errors.length > 0 ? 'true' : undefined}
          onInput={(e) => {
            setReason(e.currentTarget.value);
            setConfirming(false);
            // What the server said of the reason no longer holds once it is typed again.
            setErrors([]);
          }}
        />
        <p class="hint" id={`${id}-hint`}>
          <Bilingual zh={props.hint.zh} en={props.hint.en} />
        </p>
        <ErrorList id={`${id}-error`} errors={errors} />
      </div>
      <p>
        <button type="submit" class={confirming ? 'primary danger' : undefined} disabled={busy}>
          {confirming
            ? `${props.confirm.zh} · ${props.confirm.en}`
            : `${props.action.zh} · ${props.action.en}`}
        </button>
        {confirming && (
          <button type="button" onClick={() => setConfirming(false)}>
            取消 · Cancel
          </button>
        )}
      </p>
    </form>
  );
}
