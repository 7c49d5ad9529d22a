import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import type { Proposal } from '../proposal.js';

/**
 * The NGO's bank account is registered with the proposal: finance pays the tranches to it, and a
 * notice without it would leave finance to find the account elsewhere (or to take one from a mail).
 */
export function checkPayeeAccount(p: Proposal): FieldError[] {
  if (p.ngo.bankAccount) return [];
  return [
    fieldError(
      'payee-account-required',
      'ngo.bankAccount',
      undefined,
      "the NGO's bank account (bank, account name, account number) is needed: finance pays every tranche to it",
      'bankName, accountName and accountNumber (8 to 32 digits)',
    ),
  ];
}
