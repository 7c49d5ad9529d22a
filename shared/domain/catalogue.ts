import type { ServiceArea } from './proposal.js';

/**
 * What the bureau may buy from NGOs (政府购买服务指导性目录), by service area, and the
 * negative list (负面清单) of what can never be bought as a service. A proposal names one
 * catalogue item by its code; policy.ts refuses codes outside its area and the negative list.
 */

export interface CatalogueItem {
  code: string;
  nameZh: string;
  nameEn: string;
}

export const SERVICE_CATALOGUE: Readonly<Record<ServiceArea, readonly CatalogueItem[]>> = {
  ELDERLY_CARE: [
    { code: 'EC-HOME-CARE', nameZh: '居家养老上门服务', nameEn: 'Home-based elderly care visits' },
    { code: 'EC-DAY-CARE', nameZh: '社区日间照料中心运营', nameEn: 'Community day-care centre operation' },
    { code: 'EC-MEAL-AID', nameZh: '老年助餐服务', nameEn: 'Meal assistance for older people' },
    {
      code: 'EC-LONELY-VISITS',
      nameZh: '独居、空巢老年人探访关爱',
      nameEn: 'Visits and care for older people living alone',
    },
    { code: 'EC-ASSESSMENT', nameZh: '老年人能力综合评估', nameEn: 'Care-needs assessment of older people' },
    { code: 'EC-CAREGIVER-TRAINING', nameZh: '家庭照护者培训', nameEn: 'Training for family caregivers' },
  ],
  MINOR_PROTECTION: [
    {
      code: 'MP-STATION',
      nameZh: '未成年人保护工作站运营',
      nameEn: 'Community minor-protection station operation',
    },
    { code: 'MP-LEFT-BEHIND', nameZh: '农村留守儿童关爱服务', nameEn: 'Care for left-behind children' },
    {
      code: 'MP-CHILDREN-IN-DIFFICULTY',
      nameZh: '困境儿童个案帮扶',
      nameEn: 'Case work for children in difficulty',
    },
    { code: 'MP-MENTAL-HEALTH', nameZh: '儿童心理健康服务', nameEn: 'Mental-health support for children' },
    {
      code: 'MP-GUARDIANSHIP',
      nameZh: '家庭监护能力提升',
      nameEn: 'Strengthening family guardianship',
    },
  ],
  RURAL_REVITALISATION: [
    {
      code: 'RR-SOCIAL-WORK-STATION',
      nameZh: '乡镇（街道）社会工作站运营',
      nameEn: 'Township social-work station operation',
    },
    { code: 'RR-VILLAGE-CAPACITY', nameZh: '村级组织能力建设', nameEn: 'Village capacity building' },
    {
      code: 'RR-LIVELIHOOD',
      nameZh: '低收入家庭生计发展帮扶',
      nameEn: 'Livelihood support for low-income households',
    },
    { code: 'RR-VOLUNTEERS', nameZh: '乡村志愿服务培育', nameEn: 'Developing rural volunteer services' },
    { code: 'RR-ELDERLY-MUTUAL-AID', nameZh: '农村互助养老服务', nameEn: 'Rural mutual-aid elderly care' },
  ],
};

export interface NegativeListEntry {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Why it cannot be bought as a service; shown to the officer as is. */
  reason: string;
}

export const NEGATIVE_LIST: readonly NegativeListEntry[] = [
  {
    code: 'NL-GOODS',
    nameZh: '货物采购',
    nameEn: 'Procurement of goods',
    reason: 'goods are bought under government procurement of goods, not as a purchased service',
  },
  {
    code: 'NL-WORKS',
    nameZh: '建设工程',
    nameEn: 'Construction works',
    reason: 'construction, renovation and repair works are procured as works, not as a purchased service',
  },
  {
    code: 'NL-FINANCING',
    nameZh: '融资、贷款',
    nameEn: 'Financing and loans',
    reason: 'financing, loans and borrowing in any form may not be arranged through purchase of services',
  },
  {
    code: 'NL-LABOUR-DISPATCH',
    nameZh: '劳务派遣',
    nameEn: 'Labour dispatch',
    reason: 'labour dispatch is not a service outcome: staff must not be supplied to the bureau this way',
  },
  {
    code: 'NL-STAFF-HIRING',
    nameZh: '为本机关聘用人员',
    nameEn: 'Hiring staff for the bureau',
    reason: "hiring people to work in the bureau's own posts is staffing, not a purchased service",
  },
  {
    code: 'NL-ADMIN-APPROVAL',
    nameZh: '行政审批、行政许可',
    nameEn: 'Administrative approval and licensing',
    reason: 'administrative approval and licensing are duties the bureau must perform itself',
  },
  {
    code: 'NL-LAW-ENFORCEMENT',
    nameZh: '行政执法',
    nameEn: 'Law enforcement',
    reason: 'inspection, penalties and other law enforcement are duties the bureau must perform itself',
  },
  {
    code: 'NL-POLICY-MAKING',
    nameZh: '政策制定、行政决策',
    nameEn: 'Policy making and administrative decisions',
    reason: 'drafting policy and taking administrative decisions are duties the bureau must perform itself',
  },
];

export function findCatalogueItem(code: string): { area: ServiceArea; item: CatalogueItem } | undefined {
  for (const [area, items] of Object.entries(SERVICE_CATALOGUE) as [
    ServiceArea,
    readonly CatalogueItem[],
  ][]) {
    const item = items.find((i) => i.code === code);
    if (item) return { area, item };
  }
  return undefined;
}

export function findNegativeListEntry(code: string): NegativeListEntry | undefined {
  return NEGATIVE_LIST.find((e) => e.code === code);
}

export function catalogueCodes(area: ServiceArea): string[] {
  return SERVICE_CATALOGUE[area].map((i) => i.code);
}
