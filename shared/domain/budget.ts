/** An annual budget line and the outcome of reserving a purchase's amount on it. */

export interface BudgetLineRecord {
  lineId: string;
  year: number;
  description: string;
  totalFen: number;
  availableFen: number;
}

export type ReserveResult =
  | { status: 'RESERVED'; availableFen: number }
  | { status: 'INSUFFICIENT'; availableFen: number }
  | { status: 'NO_SUCH_LINE' };
