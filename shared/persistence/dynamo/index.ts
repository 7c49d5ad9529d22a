import type { BudgetRepository, PurchaseRepository, TaskRepository } from '../ports.js';
import { DynamoBudgetRepository } from './budget-repository.js';
import { DynamoPurchaseRepository, type DynamoRepositoryOptions } from './purchase-repository.js';
import { DynamoTaskRepository } from './task-repository.js';

export { DynamoBudgetRepository } from './budget-repository.js';
export * from './errors.js';
export { DynamoPurchaseRepository, type DynamoRepositoryOptions } from './purchase-repository.js';
export { DynamoTaskRepository } from './task-repository.js';

export interface Repositories {
  purchases: PurchaseRepository;
  budgets: BudgetRepository;
  tasks: TaskRepository;
}

/** All three ports on one table and one document client (created once per module scope by the caller). */
export function createRepositories(options: DynamoRepositoryOptions): Repositories {
  return {
    purchases: new DynamoPurchaseRepository(options),
    budgets: new DynamoBudgetRepository(options),
    tasks: new DynamoTaskRepository(options),
  };
}
