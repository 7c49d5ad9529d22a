import { describe, expect, it } from 'vitest';
import {
  catalogueCodes,
  findCatalogueItem,
  findNegativeListEntry,
  NEGATIVE_LIST,
  SERVICE_CATALOGUE,
} from '../../../shared/domain/catalogue.js';
import { SERVICE_AREAS } from '../../../shared/domain/proposal.js';

describe('purchasable-service catalogue', () => {
  it('lists several items for every service area, each with a Chinese and an English name', () => {
    for (const area of SERVICE_AREAS) {
      expect(SERVICE_CATALOGUE[area].length).toBeGreaterThanOrEqual(4);
      for (const item of SERVICE_CATALOGUE[area]) {
        expect(item.nameZh).toMatch(/\p{Script=Han}/u);
        expect(item.nameEn).toMatch(/^[A-Z]/);
      }
    }
  });

  it('uses each code once across the catalogue and the negative list', () => {
    const codes = [...SERVICE_AREAS.flatMap((a) => catalogueCodes(a)), ...NEGATIVE_LIST.map((e) => e.code)];
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('finds an item together with the area it belongs to', () => {
    expect(findCatalogueItem('MP-LEFT-BEHIND')).toMatchObject({
      area: 'MINOR_PROTECTION',
      item: { nameEn: 'Care for left-behind children' },
    });
    expect(findCatalogueItem('EC-MEAL-AID')?.area).toBe('ELDERLY_CARE');
    expect(findCatalogueItem('RR-VILLAGE-CAPACITY')?.area).toBe('RURAL_REVITALISATION');
    expect(findCatalogueItem('NL-GOODS')).toBeUndefined();
  });
});

describe('negative list', () => {
  it.each([
    ['NL-GOODS', /goods/],
    ['NL-WORKS', /works/],
    ['NL-FINANCING', /loans/],
    ['NL-LABOUR-DISPATCH', /labour dispatch/],
    ['NL-STAFF-HIRING', /hiring/],
    ['NL-ADMIN-APPROVAL', /must perform itself/],
    ['NL-LAW-ENFORCEMENT', /must perform itself/],
  ])('refuses %s with its reason', (code, reason) => {
    expect(findNegativeListEntry(code)?.reason).toMatch(reason);
  });

  it('does not refuse a catalogue item', () => {
    expect(findNegativeListEntry('EC-HOME-CARE')).toBeUndefined();
  });
});
