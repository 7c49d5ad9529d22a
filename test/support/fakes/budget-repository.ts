import { ReservationReleasedError } from '../../../shared/adapters/dynamodb/errors.js';
import type { AdjustResult, BudgetLineRecord, ReserveResult } from '../../../shared/domain/budget.js';
import type { BudgetRepository } from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';

/** What the table's reservation item holds that the contract suite looks at. */
export interface Reservation {
  amountFen: number;
  status: 'RESERVED' | 'RELEASED';
  /** Set on release: the part of the reservation already paid out, which stayed spent. */
  keptFen?: number;
}

/** Budget lines with one reservation per purchase; a released reservation cannot be taken again. */
export class InMemoryBudgetRepository implements BudgetRepository {
  readonly lines = new Map<string, BudgetLineRecord>();
  readonly reservations = new Map<string, Reservation>();

  async ensureBudgetLine(line: Omit<BudgetLineRecord, 'availableFen'>): Promise<void> {
    if (!this.lines.has(line.lineId)) this.lines.set(line.lineId, { ...line, availableFen: line.totalFen });
  }

  async getBudgetLine(lineId: string): Promise<BudgetLineRecord | undefined> {
    const line = this.lines.get(lineId);
    return line && copy(line);
  }

  async reserve(input: Parameters<BudgetRepository['reserve']>[0]): Promise<ReserveResult> {
    const { lineId, purchaseId, amountFen } = input;
    const line = this.lines.get(lineId);
    const existing = this.reservations.get(`${lineId}\u0000${purchaseId}`);
    if (existing?.status === 'RELEASED') throw new ReservationReleasedError(lineId, purchaseId);
    if (existing) return { status: 'RESERVED', availableFen: line?.availableFen ?? 0 };
    if (!line) return { status: 'NO_SUCH_LINE' };
    if (line.availableFen < amountFen) return { status: 'INSUFFICIENT', availableFen: line.availableFen };
    line.availableFen -= amountFen;
    this.reservations.set(`${lineId}\u0000${purchaseId}`, { amountFen, status: 'RESERVED' });
    return { status: 'RESERVED', availableFen: line.availableFen };
  }

  async adjustReservation(
    input: Parameters<BudgetRepository['adjustReservation']>[0],
  ): Promise<AdjustResult> {
    const { lineId, purchaseId, amountFen } = input;
    const reservation = this.reservations.get(`${lineId}\u0000${purchaseId}`);
    const line = this.lines.get(lineId);
    if (reservation?.status !== 'RESERVED' || !line) return { status: 'NOT_RESERVED' };
    const more = amountFen - reservation.amountFen;
    if (line.availableFen < more) return { status: 'INSUFFICIENT', availableFen: line.availableFen };
    line.availableFen -= more;
    reservation.amountFen = amountFen;
    return { status: 'ADJUSTED', availableFen: line.availableFen };
  }

  async release(input: {
    lineId: string;
    purchaseId: string;
    keepFen?: number;
  }): Promise<{ status: 'RELEASED' | 'NOT_RESERVED' }> {
    const reservation = this.reservations.get(`${input.lineId}\u0000${input.purchaseId}`);
    const line = this.lines.get(input.lineId);
    if (reservation?.status !== 'RESERVED' || !line) return { status: 'NOT_RESERVED' };
    const kept = Math.min(Math.max(input.keepFen ?? 0, 0), reservation.amountFen);
    reservation.status = 'RELEASED';
    reservation.keptFen = kept;
    line.availableFen += reservation.amountFen - kept;
    return { status: 'RELEASED' };
  }
}
