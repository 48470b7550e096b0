import { registerEnumType } from 'type-graphql';

/**
 * The home-care services the documents buy for recipients, as 江都区 lists them: «(二)服務項目 1、助餐 …
 * 2、助潔 … 3、助急 … 4、生活照料。提供理髮、修剪指或趾甲等服務。5、精神慰藉 … 6、代辦服務。提供測血壓血糖、代購日常生活用品等服務»
 * (seed 004 篇四). Contracts price them, care plans count them (≥ 3 different items a year), visits deliver them.
 */
export enum ServiceItem {
  MEALS = 'MEALS',
  CLEANING = 'CLEANING',
  EMERGENCY = 'EMERGENCY',
  PERSONAL_CARE = 'PERSONAL_CARE',
  COMPANIONSHIP = 'COMPANIONSHIP',
  ERRANDS = 'ERRANDS',
}

/**
 * Who pays for a service, by who receives it: «居家養老服務根據老人的實際情況分為無償服務、低償服務和有償服務。無償服務的對象為具有鬆崗户籍的
 * “三無”老人;低償服務的對象為具有鬆崗户籍的高齡老人、特殊羣體老人;有償服務的對象為有經濟來源並需要居家養老服務的老人或者社區居民» (seed 004
 * 篇二, 松岗). Which categories fall in which class is the county's rule.
 */
export enum ServiceClass {
  FREE = 'FREE',
  LOW_PAID = 'LOW_PAID',
  PAID = 'PAID',
}

registerEnumType(ServiceItem, {
  name: 'ServiceItem',
  description: 'A home-care service item (seed 004 篇四, 服務項目).',
  valuesConfig: {
    MEALS: { description: '助餐 — food shopping, cooking' },
    CLEANING: { description: '助潔 — cleaning the home, washing clothes and bedding' },
    EMERGENCY: { description: '助急 — repairs of appliances, water and power; emergency measures' },
    PERSONAL_CARE: { description: '生活照料 — haircuts, trimming finger- and toenails' },
    COMPANIONSHIP: { description: '精神慰藉 — visits, conversation, health advice' },
    ERRANDS: { description: '代辦 — blood pressure and sugar checks, shopping for daily goods' },
  },
});

registerEnumType(ServiceClass, {
  name: 'ServiceClass',
  description: 'Who pays for a service, by who receives it (seed 004 篇二, 松岗).',
  valuesConfig: {
    FREE: { description: '無償 — free (“三無” elderly)' },
    LOW_PAID: { description: '低償 — low-paid (the very old, special groups)' },
    PAID: { description: '有償 — paid (everyone else)' },
  },
});
