import { onEnrolmentEnded } from '../cases/enrolment-hooks';
import { ledgerService } from './ledger.service';

/** Registered at start-up: an ended enrolment in a voucher scheme freezes the person's voucher account. */
export function registerLedgerHooks(): void {
  onEnrolmentEnded('ledger', (ended) => ledgerService.enrolmentEnded(ended));
}
