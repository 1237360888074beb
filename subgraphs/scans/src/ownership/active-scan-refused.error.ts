import { DomainError } from '../../../../lib/errors.js';

/**
 * Why an active scan was refused; the REST adapter and clients can branch on `extensions.reason`
 * while people read the message.
 */
export type ActiveScanRefusal =
  | 'PLAN_WITHOUT_ACTIVE_SCANS'
  | 'NOT_AUTHORISED'
  | 'TARGET_UNVERIFIED'
  | 'VERIFICATION_EXPIRED'
  | 'VERIFICATION_FAILED';

/** FORBIDDEN, with the reason an active scan may not run. */
export class ActiveScanRefusedError extends DomainError {
  constructor(
    readonly reason: ActiveScanRefusal,
    message: string,
  ) {
    super('FORBIDDEN', message, { reason });
  }
}
