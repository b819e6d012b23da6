// Transaction ordering as rpm 4.18 orders it (lib/order.c rpmtsOrder): which element to install or
// erase first, and the dependency loops that had to be broken. Pure functions over data.
export * from './types.ts';
export { orderTransaction, formatLoops } from './order.ts';
export { upgradeElements, type UpgradeInput } from './transaction.ts';
export { poolPackage, poolTransaction, type PoolOrderPackage } from './pool.ts';
export { isUnordered, prereqBits } from './flags.ts';
