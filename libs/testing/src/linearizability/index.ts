export {
  checkLinearizable,
  type CheckOptions,
  type CheckResult,
  type CheckVerdict,
  type PartitionResult,
} from './checker.js';
export type { Model, Operation } from './history.js';
export { registerModel, type RegisterInput, type RegisterOutput } from './register-model.js';
