// The supply-chain domain's one error type: a single line naming the file/field and the reason,
// so `strata verify` can print it as is.
import { oneLine } from '../repo/model.ts';

export class SupplyError extends Error {
  override name = 'SupplyError';
  constructor(message: string) {
    super(oneLine(message));
  }
}
