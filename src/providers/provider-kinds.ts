import { registerEnumType } from 'type-graphql';

/**
 * Why a provider loses its qualification, as seed 004 篇四 lists them: «服務商有以下情形之一的,取消服務資格,並在近三年內不得參與
 * 全區範圍內的居家養老服務:(1)以向服務對象送實物等變通方式套取服務對象補貼資金的;(2)藉助開展服務的機會向老年人推銷虛假保健品等假冒偽劣
 * 老年產品的;(3)藉助開展服務的機會向老年人集資、吸儲等嚴重損害了老年人合法權益的;(4)中標後,不具備完成政府購買服務能力的;(5)服務商有
 * 其他違法行為的».
 */
export enum BanReason {
  CASHING_SUBSIDIES = 'CASHING_SUBSIDIES',
  FAKE_HEALTH_PRODUCTS = 'FAKE_HEALTH_PRODUCTS',
  RAISING_MONEY = 'RAISING_MONEY',
  UNABLE_TO_DELIVER = 'UNABLE_TO_DELIVER',
  OTHER_ILLEGAL_ACTS = 'OTHER_ILLEGAL_ACTS',
}

registerEnumType(BanReason, {
  name: 'ProviderBanReason',
  description: 'Why a provider’s qualification is cancelled (取消服務資格, seed 004 篇四 五(三)3).',
  valuesConfig: {
    CASHING_SUBSIDIES: { description: '(1)以向服務對象送實物等變通方式套取服務對象補貼資金的 — cashing recipients’ subsidies through gifts in kind' },
    FAKE_HEALTH_PRODUCTS: { description: '(2)藉助開展服務的機會向老年人推銷虛假保健品等假冒偽劣老年產品的 — selling fake health products to the elderly' },
    RAISING_MONEY: { description: '(3)藉助開展服務的機會向老年人集資、吸儲等嚴重損害了老年人合法權益的 — raising money or taking deposits from the elderly' },
    UNABLE_TO_DELIVER: { description: '(4)中標後,不具備完成政府購買服務能力的 — unable to deliver the purchased service after winning the tender' },
    OTHER_ILLEGAL_ACTS: { description: '(5)服務商有其他違法行為的 — other illegal acts' },
  },
});

/** Years a ban runs by default: «在近三年內不得參與全區範圍內的居家養老服務» (seed 004 篇四). */
export const BAN_YEARS = 3;

/** Years a contract period runs by default: «招標服務以一年為期» (seed 004 篇四). */
export const CONTRACT_YEARS = 1;

/** The least a visit lasts, in minutes: «每次服務時長不低於1小時» (seed 004 篇四); a contract may ask for more. */
export const MIN_VISIT_MINUTES = 60;
