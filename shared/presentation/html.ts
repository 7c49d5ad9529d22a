/**
 * HTML building blocks shared by the e-mails and the link pages. Everything interpolated
 * through `html` is escaped unless it is already `SafeHtml`, so forgetting to escape a
 * value is not possible by omission.
 */
import { withoutControlCharacters } from '../domain/plain-text.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already escaped (built by `html` or from constant strings). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks constant markup as safe; never pass it anything that came from a person. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v) => render(v)).join('');
  // false/null/undefined render as nothing so `${cond && html`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Template tag: escapes every interpolated value except `SafeHtml` (and arrays of it). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

/**
 * Turns line breaks and every other control or bidirectional formatting character into a space,
 * so a person's text can sit on one line (an e-mail subject) and read in the order it is stored.
 */
export function oneLine(value: string): string {
  return withoutControlCharacters(value).trim();
}
