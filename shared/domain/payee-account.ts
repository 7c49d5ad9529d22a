import type { BankAccount, Proposal } from './proposal.js';

/**
 * The NGO's registered bank account (the proposal's `ngo.bankAccount`), as each reader may see it:
 * in full to finance, who pays to it (the payment notice, the confirmation page); masked to
 * everyone else and in every record that leaves finance's hands (the purchase view, the tranches
 * list, the open-data export): the last four digits are enough to tell two accounts apart.
 */

/** `6217001930000012345` -> `****2345`. */
export function maskAccountNumber(accountNumber: string): string {
  return `****${accountNumber.slice(-4)}`;
}

export function maskBankAccount(account: BankAccount): BankAccount {
  return { ...account, accountNumber: maskAccountNumber(account.accountNumber) };
}

/** The proposal's NGO block with its bank account masked (unchanged when it has none). */
export function maskedNgo(ngo: Proposal['ngo']): Proposal['ngo'] {
  return ngo.bankAccount ? { ...ngo, bankAccount: maskBankAccount(ngo.bankAccount) } : ngo;
}

/** For reading out and typing in: `6217001930000012345` -> `6217 0019 3000 0012 345`. */
export function groupedAccountNumber(accountNumber: string): string {
  return accountNumber.replace(/(\d{4})(?=\d)/g, '$1 ');
}

function comparable(name: string): string {
  return name.normalize('NFKC').replace(/\s/g, '');
}

/**
 * Whether the account is in another name than the NGO's: allowed (a branch's account, a recent
 * change of name), but finance is told to check it before paying, since money sent to a private
 * account is the usual way a purchase is defrauded.
 */
export function accountNameDiffers(ngo: Pick<Proposal['ngo'], 'name' | 'bankAccount'>): boolean {
  return ngo.bankAccount !== undefined && comparable(ngo.bankAccount.accountName) !== comparable(ngo.name);
}
