import type { BilingualText } from './bilingual.js';
import type { Fen } from './money.js';

/**
 * The service contract (政府购买服务合同): the terms the purchase-of-services rules require,
 * each a numbered clause headed in Chinese and in English (presentation/contract-document.ts
 * renders them), so `missingMandatoryTerms` can prove a rendered contract carries them all;
 * and amounts in the capital numerals contracts use.
 */

export const CONTRACT_MANDATORY_TERMS = [
  { term: 'CONTENT', heading: { zh: '服务内容', en: 'Content of the service' } },
  { term: 'TERM', heading: { zh: '服务期限', en: 'Term' } },
  { term: 'QUANTITY', heading: { zh: '服务数量', en: 'Quantity' } },
  { term: 'QUALITY', heading: { zh: '服务质量', en: 'Quality' } },
  { term: 'PRICE', heading: { zh: '合同价款', en: 'Price' } },
  { term: 'SETTLEMENT', heading: { zh: '资金结算方式', en: 'Settlement method' } },
  {
    term: 'RIGHTS_AND_OBLIGATIONS',
    heading: { zh: '双方权利义务', en: 'Rights and obligations of the parties' },
  },
  { term: 'LIABILITY', heading: { zh: '违约责任', en: 'Liability for breach' } },
  { term: 'DISPUTE_RESOLUTION', heading: { zh: '争议解决', en: 'Dispute resolution' } },
] as const satisfies readonly { term: string; heading: BilingualText }[];

export type ContractTerm = (typeof CONTRACT_MANDATORY_TERMS)[number]['term'];

/** The issued contract is an HTML document, stored with this type and served with it. */
export const CONTRACT_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The name the NGO's browser saves the issued contract under. */
export function contractFileName(purchaseId: string): string {
  return `contract-${purchaseId}.html`;
}

/** The mandatory terms whose numbered clause heading (both languages) is not in the contract's text or HTML. */
export function missingMandatoryTerms(text: string): ContractTerm[] {
  return CONTRACT_MANDATORY_TERMS.filter(({ heading }) => {
    const zh = new RegExp(`第[一二三四五六七八九十]+条 ${heading.zh}`);
    const en = new RegExp(`Clause \\d+\\. ${heading.en}`);
    return !zh.test(text) || !en.test(text);
  }).map(({ term }) => term);
}

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACE_UNITS = ['', '拾', '佰', '仟'];
const GROUP_UNITS = ['', '万', '亿', '万亿'];

/** 1..9999 in capital numerals, zeros inside the group read once ("壹仟零壹拾"). */
function groupInCapitals(value: number): string {
  let out = '';
  let zeroPending = false;
  for (let place = 3; place >= 0; place--) {
    const digit = Math.floor(value / 10 ** place) % 10;
    if (digit === 0) {
      if (out) zeroPending = true;
      continue;
    }
    if (zeroPending) out += '零';
    zeroPending = false;
    out += `${DIGITS[digit]}${PLACE_UNITS[place]}`;
  }
  return out;
}

function integerInCapitals(value: number): string {
  const groups: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 10_000)) groups.push(rest % 10_000);
  let out = '';
  let zeroPending = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g] ?? 0;
    if (group === 0) {
      if (out) zeroPending = true;
      continue;
    }
    if (out && (zeroPending || group < 1000)) out += '零';
    zeroPending = false;
    out += `${groupInCapitals(group)}${GROUP_UNITS[g]}`;
  }
  return out;
}

/**
 * An amount in the capital numerals contracts and invoices use so figures cannot be altered
 * (人民币大写): 48000000 fen -> "人民币肆拾捌万元整", 105 -> "人民币壹元零伍分".
 */
export function chineseCapitalAmount(fen: Fen): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a non-negative amount of fen: ${fen}`);
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let out = yuan > 0 ? `${integerInCapitals(yuan)}元` : '';
  if (jiao === 0 && cents === 0) return `人民币${out || '零元'}整`;
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (yuan > 0) out += '零';
  out += cents > 0 ? `${DIGITS[cents]}分` : '整';
  return `人民币${out}`;
}
