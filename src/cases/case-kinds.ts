import { registerEnumType } from 'type-graphql';

export enum CaseState {
  WAITING = 'WAITING',
  IN_REVIEW = 'IN_REVIEW',
  RETURNED = 'RETURNED',
  APPROVED = 'APPROVED',
  REFUSED = 'REFUSED',
  WITHDRAWN = 'WITHDRAWN',
  CLOSED = 'CLOSED',
}

registerEnumType(CaseState, {
  name: 'CaseState',
  description: 'Where an application stands.',
  valuesConfig: {
    WAITING: { description: 'Filed outside an intake window: its first step begins the day the next window opens.' },
    IN_REVIEW: { description: 'At its current step, awaiting the step’s acting node.' },
    RETURNED: { description: 'Returned to the village step for more material: the filer resubmits it.' },
    APPROVED: { description: 'Approved: the person is enrolled in the schemes applied for.' },
    REFUSED: { description: 'Refused, with written reasons.' },
    WITHDRAWN: { description: 'Withdrawn by its filer before the decision.' },
    CLOSED: { description: 'Closed because the applicant died or moved away during review.' },
  },
});

/** The states a case is still open in: at most one open case per person and scheme. */
export const OPEN_STATES: readonly CaseState[] = [CaseState.WAITING, CaseState.IN_REVIEW, CaseState.RETURNED];

export enum CaseAction {
  FILE = 'FILE',
  PASS = 'PASS',
  APPROVE = 'APPROVE',
  RETURN = 'RETURN',
  REFUSE = 'REFUSE',
  WITHDRAW = 'WITHDRAW',
  OBJECTION = 'OBJECTION',
  RESUBMIT = 'RESUBMIT',
  CLOSE = 'CLOSE',
  ASSIGN_ASSESSOR = 'ASSIGN_ASSESSOR',
}

registerEnumType(CaseAction, {
  name: 'CaseAction',
  description: 'What was done to a case (its history), or what a caller may do now (`allowedActions`).',
  valuesConfig: {
    FILE: { description: 'Filed (申请).' },
    PASS: { description: 'The step is done: the case moves to the next step.' },
    APPROVE: { description: 'The last step approves: the person is enrolled.' },
    RETURN: { description: 'Back to the village step for more material.' },
    REFUSE: { description: 'Refused, with written reasons (only at a step that may refuse).' },
    WITHDRAW: { description: 'Withdrawn by a filer before the decision.' },
    OBJECTION: { description: 'An objection (异议) received during the public notice: back to the review step before it.' },
    RESUBMIT: { description: 'Resubmitted after a return, with the material asked for.' },
    CLOSE: { description: 'Closed: the applicant died or moved away.' },
    ASSIGN_ASSESSOR: { description: 'The assessment step assigned to a third-party assessor, who alone of the assessors acts on it.' },
  },
});

/** The decisions `decideCase` takes. */
export const DECISIONS: readonly CaseAction[] = [CaseAction.PASS, CaseAction.APPROVE, CaseAction.RETURN, CaseAction.REFUSE, CaseAction.WITHDRAW];

export enum CaseFiler {
  AGENT = 'AGENT',
  VILLAGE_WORKER = 'VILLAGE_WORKER',
}

registerEnumType(CaseFiler, {
  name: 'CaseFiler',
  description: 'Who brought the application: the person’s agent (named, with the relation), or a village worker for the person.',
});

export enum EnrolmentEnd {
  DECEASED = 'DECEASED',
  MOVED_AWAY = 'MOVED_AWAY',
  WITHDRAWN = 'WITHDRAWN',
  FRAUD = 'FRAUD',
}

registerEnumType(EnrolmentEnd, { name: 'EnrolmentEnd', description: 'Why an enrolment ended.' });
