import { registerEnumType } from 'type-graphql';

export enum SupervisionStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}

registerEnumType(SupervisionStatus, {
  name: 'SupervisionStatus',
  description: 'Where a supervision item (督办) stands.',
  valuesConfig: {
    OPEN: { description: 'Being followed up.' },
    DONE: { description: '办结: done, closed by the issuing level.' },
    CANCELLED: { description: 'Withdrawn by the issuing level.' },
  },
});
