import {
  JurisdictionLevel,
  levelOfCode,
  parentCodeOf,
  pathOfCode,
  TownKind,
  townKindOf,
  VillageKind,
  villageKindOf,
} from '../../src/kernel/division-codes';

describe('division codes', () => {
  it.each([
    ['32', JurisdictionLevel.PROVINCE, null],
    ['4419', JurisdictionLevel.CITY, '44'],
    ['441900', JurisdictionLevel.COUNTY, '4419'],
    ['321012100', JurisdictionLevel.TOWN, '321012'],
    ['321012100001', JurisdictionLevel.VILLAGE, '321012100'],
  ])('%s is a %s with parent %s', (code, level, parent) => {
    expect(levelOfCode(code)).toBe(level);
    expect(parentCodeOf(code)).toBe(parent);
  });

  it.each(['', '3', '321', '32101', '3210121000011', '32a0', '３２'])('%j is not a division code', (code) => {
    expect(levelOfCode(code)).toBeNull();
  });

  it('gives the path of codes from the province down', () => {
    expect(pathOfCode('441900003001')).toEqual(['44', '4419', '441900', '441900003', '441900003001']);
  });

  it.each([
    ['110101001', '东华门街道', TownKind.SUBDISTRICT],
    ['321012100', '仙女镇', TownKind.TOWN],
    ['150781200', '巴彦库仁苏木', TownKind.TOWNSHIP],
    ['520327200', '大坪乡', TownKind.TOWNSHIP],
    ['130102005', '建北办事处', TownKind.SUBDISTRICT], // no telling suffix: the serial 001–099 says 街道
    ['321012400', '立新农场', TownKind.OTHER],
    ['440604450', '佛山高新区某园区', TownKind.OTHER],
  ])('town %s %s is %s', (code, name, kind) => {
    expect(townKindOf(code, name)).toBe(kind);
  });

  it.each([
    ['110101001001', '多福巷社区居委会', VillageKind.COMMUNITY],
    ['110105001001', '月河社区居民委员会', VillageKind.COMMUNITY],
    ['110112104201', '楼梓庄村委会', VillageKind.VILLAGE],
    ['110106001201', '小红门村民委员会', VillageKind.VILLAGE],
    ['150781200201', '巴彦嘎查', VillageKind.VILLAGE],
    ['110108001400', '小营股份经济合作社生活区', VillageKind.OTHER],
    ['110108001201', '某某生活区', VillageKind.VILLAGE], // no telling suffix: the serial 200–399 says 村委会
  ])('village %s %s is %s', (code, name, kind) => {
    expect(villageKindOf(code, name)).toBe(kind);
  });
});
