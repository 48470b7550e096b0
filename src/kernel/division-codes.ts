import { registerEnumType } from 'type-graphql';

export enum JurisdictionLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
}

export enum TownKind {
  SUBDISTRICT = 'SUBDISTRICT',
  TOWN = 'TOWN',
  TOWNSHIP = 'TOWNSHIP',
  OTHER = 'OTHER',
}

export enum VillageKind {
  COMMUNITY = 'COMMUNITY',
  VILLAGE = 'VILLAGE',
  OTHER = 'OTHER',
}

registerEnumType(JurisdictionLevel, {
  name: 'JurisdictionLevel',
  description: 'A level of the administrative tree (行政区划级别).',
  valuesConfig: {
    PROVINCE: { description: '省级 — 省 / 自治区 / 直辖市 (2-digit code)' },
    CITY: { description: '地级 — 地级市 / 地区 / 自治州 / 盟 (4-digit code)' },
    COUNTY: { description: '县级 — 县 / 区 / 县级市 (6-digit code)' },
    TOWN: { description: '乡级 — 乡 / 镇 / 街道 (9-digit code)' },
    VILLAGE: { description: '村级 — 村委会 / 社区居委会 (12-digit code)' },
  },
});

registerEnumType(TownKind, {
  name: 'TownKind',
  description: 'What kind of town-level unit a TOWN node is.',
  valuesConfig: {
    SUBDISTRICT: { description: '街道 — urban subdistrict' },
    TOWN: { description: '镇 — town' },
    TOWNSHIP: { description: '乡 / 苏木 — township' },
    OTHER: { description: '其他 — farms, development zones and other town-level units' },
  },
});

registerEnumType(VillageKind, {
  name: 'VillageKind',
  description: 'What kind of village-level unit a VILLAGE node is.',
  valuesConfig: {
    COMMUNITY: { description: '社区居委会 — urban residents’ committee' },
    VILLAGE: { description: '村委会 — administrative village committee' },
    OTHER: { description: '其他 — other village-level units (e.g. 生活区 of a farm)' },
  },
});

export const LEVELS: readonly JurisdictionLevel[] = [
  JurisdictionLevel.PROVINCE,
  JurisdictionLevel.CITY,
  JurisdictionLevel.COUNTY,
  JurisdictionLevel.TOWN,
  JurisdictionLevel.VILLAGE,
];

export const CODE_LENGTH: Record<JurisdictionLevel, number> = {
  PROVINCE: 2,
  CITY: 4,
  COUNTY: 6,
  TOWN: 9,
  VILLAGE: 12,
};

const LEVEL_BY_LENGTH = new Map(LEVELS.map((level) => [CODE_LENGTH[level], level]));

/** The level a division code names by its length, or null when it is not a division code. */
export function levelOfCode(code: string): JurisdictionLevel | null {
  if (!/^\d+$/.test(code)) return null;
  return LEVEL_BY_LENGTH.get(code.length) ?? null;
}

/** The code of the parent node (the code one level up), or null for a province. */
export function parentCodeOf(code: string): string | null {
  const level = levelOfCode(code);
  if (level === null || level === JurisdictionLevel.PROVINCE) return null;
  return code.slice(0, CODE_LENGTH[LEVELS[LEVELS.indexOf(level) - 1]]);
}

/** The codes of every ancestor and the node itself, province first: the node's ltree path labels. */
export function pathOfCode(code: string): string[] {
  const level = levelOfCode(code);
  if (level === null) throw new Error(`not a division code: ${code}`);
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1).map((l) => code.slice(0, CODE_LENGTH[l]));
}

// GB/T 10114: town serial 001–099 街道, 100–199 镇, 200–399 乡; the name's suffix wins when it says.
export function townKindOf(code: string, name: string): TownKind {
  if (name.endsWith('街道') || name.endsWith('街道办事处')) return TownKind.SUBDISTRICT;
  if (name.endsWith('镇')) return TownKind.TOWN;
  if (name.endsWith('乡') || name.endsWith('苏木') || name.endsWith('民族乡')) return TownKind.TOWNSHIP;
  const serial = Number(code.slice(6, 9));
  if (serial >= 1 && serial <= 99) return TownKind.SUBDISTRICT;
  if (serial >= 100 && serial <= 199) return TownKind.TOWN;
  if (serial >= 200 && serial <= 399) return TownKind.TOWNSHIP;
  return TownKind.OTHER;
}

// Village serial 001–199 居民委员会, 200–399 村民委员会; again the name's suffix wins when it says.
export function villageKindOf(code: string, name: string): VillageKind {
  if (/(村委会|村民委员会|村|嘎查)$/.test(name)) return VillageKind.VILLAGE;
  if (/(居委会|居民委员会|社区)$/.test(name)) return VillageKind.COMMUNITY;
  const serial = Number(code.slice(9, 12));
  if (serial >= 1 && serial <= 199) return VillageKind.COMMUNITY;
  if (serial >= 200 && serial <= 399) return VillageKind.VILLAGE;
  return VillageKind.OTHER;
}
