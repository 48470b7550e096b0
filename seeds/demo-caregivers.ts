import type { DataSource } from 'typeorm';
import { ServiceItem } from '../src/care/care-kinds';
import { Role } from '../src/kernel/actor';
import { caregiverService } from '../src/providers/caregiver.service';
import { userService } from '../src/users/user.service';
import { actingAs } from './demo-targets';

/** The demo CAREGIVER login: the account of the first demo caregiver, in her village. */
export const DEMO_CAREGIVER_USERNAME = 'caregiver@321012100001';

/**
 * Two caregivers of the demo provider (the first demo operator, 江都区颐养居家养老服务中心), added and trained
 * through the services as its SERVICE_PROVIDER would. The names, numbers and phones are made up. One passed
 * the provider's training before the service phase of seed 004 篇四 (「崗前培訓及開展服務階段(9月1日—9月20日)」,
 * 「培訓不合格人員不得上崗」) and may serve; the other has not passed it yet and may not.
 */
export const DEMO_CAREGIVERS = [
  {
    name: '王秀英',
    workCardNumber: 'JD-0001',
    phone: '13952700001',
    photoRef: 'demo/caregivers/jd-0001.jpg',
    basedAt: '321012100001',
    startedOn: '2025-09-01',
    specialities: [ServiceItem.PERSONAL_CARE, ServiceItem.CLEANING, ServiceItem.COMPANIONSHIP],
    training: { training: '文明禮儀和業務技能培訓', on: '2025-08-28', passed: true },
  },
  {
    name: '李春梅',
    workCardNumber: 'JD-0002',
    phone: '13952700002',
    photoRef: 'demo/caregivers/jd-0002.jpg',
    basedAt: '321012100',
    startedOn: '2025-09-15',
    specialities: [ServiceItem.MEALS, ServiceItem.ERRANDS],
    training: { training: '文明禮儀和業務技能培訓', on: '2025-09-10', passed: false },
  },
];

/** Adds the demo caregivers and the account of the first; returns how many caregivers were added. */
export async function seedDemoCaregivers(dataSource: DataSource, providerUsername: string, password: string): Promise<number> {
  const provider = await actingAs(dataSource, providerUsername);
  const ids: number[] = [];
  for (const { training, ...caregiver } of DEMO_CAREGIVERS) {
    const added = await caregiverService.add(provider, caregiver);
    await caregiverService.recordTraining(provider, String(added.id), training);
    ids.push(added.id);
  }
  await userService.create(provider, {
    username: DEMO_CAREGIVER_USERNAME,
    password,
    displayName: `Demo ${Role.CAREGIVER}`,
    jurisdictionCode: DEMO_CAREGIVERS[0].basedAt,
    roles: [Role.CAREGIVER],
    caregiverId: String(ids[0]),
  });
  return ids.length;
}
