/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015) that identifies an NGO:
 * 18 characters from a 31-character set, laid out as
 *   1     registration authority (登记管理部门)
 *   2     organisation type within that authority (机构类别)
 *   3-8   administrative division of the registering office (GB/T 2260, e.g. 350203 思明区)
 *   9-17  organisation code (主体标识码, GB 11714)
 *   18    check character over positions 1-17 (ISO 7064 MOD 31-3)
 */

/** The code's characters; I, O, S, V and Z are left out because they read like digits. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Registration authorities and the organisation types each may assign (GB 32100-2015, annex). */
export const REGISTRATION_AUTHORITIES: Readonly<
  Record<string, { name: string; types: Readonly<Record<string, string>> }>
> = {
  '1': {
    name: '机构编制',
    types: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' },
  },
  '2': { name: '外交', types: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    types: {
      '1': '律师执业机构',
      '2': '公证处',
      '3': '基层法律服务所',
      '4': '司法鉴定机构',
      '5': '仲裁委员会',
      '9': '其他',
    },
  },
  '4': { name: '文化', types: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', types: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': {
    name: '旅游',
    types: {
      '1': '外国旅游部门常驻代表机构',
      '2': '港澳台地区旅游部门常驻内地（大陆）代表机构',
      '9': '其他',
    },
  },
  '7': { name: '宗教', types: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', types: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', types: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', types: { '1': '军队事业单位', '9': '其他' } },
  N: {
    name: '农业',
    types: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' },
  },
  Y: { name: '其他', types: { '1': '其他' } },
};

/** First two digits of a GB/T 2260 division: the provinces, plus 10 for offices at national level. */
const PROVINCE_PREFIXES = new Set([
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

export type CreditCodeProblemKind =
  | 'length'
  | 'charset'
  | 'registration-authority'
  | 'organisation-type'
  | 'administrative-division'
  | 'check-character';

export interface CreditCodeProblem {
  kind: CreditCodeProblemKind;
  /** 1-based position of the first offending character, when one is to blame. */
  position?: number;
  message: string;
  /** What would be accepted at that place. */
  allowed: string;
  /** For a wrong check character: the one positions 1-17 call for. */
  expected?: string;
}

/**
 * The check character (position 18) that the first 17 characters call for, or undefined when
 * they are not 17 characters of the code's charset.
 */
export function expectedCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17.charAt(i));
    if (value < 0) return undefined;
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/**
 * The first problem with a credit code, from its outline inwards (length, characters,
 * structure, then the check character), or undefined when the code is valid.
 * The code is taken as given: callers trim and upper-case first.
 */
export function findCreditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (code.length !== 18) {
    return {
      kind: 'length',
      message: `must be 18 characters, got ${code.length}`,
      allowed: '18 characters from 0-9 and A-Y without I, O, S, V, Z',
    };
  }
  for (let i = 0; i < 18; i++) {
    const ch = code.charAt(i);
    if (!CREDIT_CODE_CHARSET.includes(ch)) {
      return {
        kind: 'charset',
        position: i + 1,
        message: `character ${i + 1} '${ch}' is not used in credit codes`,
        allowed: `characters from ${CREDIT_CODE_CHARSET}`,
      };
    }
  }
  const authorityCode = code.charAt(0);
  const authority = REGISTRATION_AUTHORITIES[authorityCode];
  if (!authority) {
    return {
      kind: 'registration-authority',
      position: 1,
      message: `character 1 '${authorityCode}' is not a registration authority`,
      allowed: Object.entries(REGISTRATION_AUTHORITIES)
        .map(([c, a]) => `${c} ${a.name}`)
        .join(', '),
    };
  }
  const typeCode = code.charAt(1);
  if (!authority.types[typeCode]) {
    return {
      kind: 'organisation-type',
      position: 2,
      message: `character 2 '${typeCode}' is not an organisation type of registration authority ${authorityCode} (${authority.name})`,
      allowed: Object.entries(authority.types)
        .map(([c, t]) => `${c} ${t}`)
        .join(', '),
    };
  }
  const division = code.slice(2, 8);
  if (!/^[0-9]{6}$/.test(division) || !PROVINCE_PREFIXES.has(division.slice(0, 2))) {
    return {
      kind: 'administrative-division',
      position: 3,
      message: `characters 3-8 '${division}' are not an administrative division code`,
      allowed: 'six digits of a GB/T 2260 division, e.g. 350203 (思明区, 厦门)',
    };
  }
  const expected = expectedCheckCharacter(code.slice(0, 17));
  const actual = code.charAt(17);
  if (expected !== undefined && actual !== expected) {
    return {
      kind: 'check-character',
      position: 18,
      message: `check character is '${actual}' but the first 17 characters call for '${expected}'`,
      allowed: `${code.slice(0, 17)}${expected}`,
      expected,
    };
  }
  return undefined;
}

export function isValidCreditCode(code: string): boolean {
  return findCreditCodeProblem(code) === undefined;
}
