import type { DataSource } from 'typeorm';
import { ServiceClass, ServiceItem } from '../src/care/care-kinds';
import { contractService } from '../src/providers/contract.service';
import { providerService } from '../src/providers/provider.service';
import { DEMO_COUNTY, DEMO_ORGANISATIONS } from './demo-facilities';
import { DEMO_SUBSIDY_TOWN } from './demo-facility-subsidies';
import { actingAs } from './demo-targets';

/**
 * 江都区's provider library and its contract, as its civil-affairs administrator would enter them (seed 004
 * 篇四 四(三)「服務商招標階段(8月6日—8月31日)」: «由區民政局招錄建立服務商庫,以區、鎮共同招標,選擇錄用服務商», and
 * «招標服務以一年為期»). The provider is the demo's first operator, for whom the demo SERVICE_PROVIDER works.
 */
export const DEMO_PROVIDER = DEMO_ORGANISATIONS[0];

/** Admitted on the last day of the tender stage (8月31日). */
export const DEMO_ADMITTED_ON = '2026-08-31';

/** Serving from the first day of the service stage «開展服務階段(9月1日—9月20日)», for the year the tender runs (the default). */
export const DEMO_CONTRACT_FROM = '2026-09-01';

// The six items of «(二)服務項目», for the low-paid class (低償, 篇二 松岗). The prices are the demo's own: the
// documents set none. Each visit lasts at least the document's hour («每次服務時長不低於1小時», the default).
const DEMO_PRICES_FEN: Record<ServiceItem, number> = {
  MEALS: 1500,
  CLEANING: 4000,
  EMERGENCY: 3000,
  PERSONAL_CARE: 2500,
  COMPANIONSHIP: 2000,
  ERRANDS: 2000,
};

/** The library entry and the contract for 仙女镇 (the demo's subsidy town); returns the contract's id. */
export async function seedDemoProviders(dataSource: DataSource, adminUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  const organisation = { creditCode: DEMO_PROVIDER.creditCode, name: DEMO_PROVIDER.name };
  await providerService.admit(admin, {
    jurisdictionCode: DEMO_COUNTY,
    organisation,
    admittedOn: DEMO_ADMITTED_ON,
    // A qualification as the tender would ask for it: the demo's own number.
    qualifications: [{ kind: '养老服务机构备案', number: '苏扬江民养备2026001', validFrom: '2026-01-01' }],
  });
  const contract = await contractService.create(admin, {
    jurisdictionCode: DEMO_COUNTY,
    provider: organisation.creditCode,
    area: [DEMO_SUBSIDY_TOWN],
    from: DEMO_CONTRACT_FROM,
    catalogue: Object.values(ServiceItem).map((item) => ({ item, serviceClass: ServiceClass.LOW_PAID, unitPriceFen: DEMO_PRICES_FEN[item] })),
  });
  return contract.id;
}
