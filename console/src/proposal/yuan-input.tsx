import { formatYuan } from '../../../shared/domain/money.js';
import type { InputWiring } from './fields.js';
import { fenOfText } from './typed-text.js';

/** An amount typed in yuan; `yuanHint` repeats it as the exact amount it will be sent as. */
export function YuanInput({
  wiring,
  value,
  onInput,
}: {
  wiring: InputWiring;
  value: string;
  onInput: (e: Event) => void;
}) {
  return (
    <span class="yuan">
      <span aria-hidden="true">¥</span>
      <input {...wiring} inputMode="decimal" autoComplete="off" value={value} onInput={onInput} />
    </span>
  );
}

export function yuanHint(text: string): string | undefined {
  const fen = fenOfText(text);
  return fen === undefined || text.trim() === '' ? undefined : `= ${formatYuan(fen)}`;
}
