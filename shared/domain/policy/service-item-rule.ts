import { catalogueCodes, findCatalogueItem, findNegativeListEntry, SERVICE_CATALOGUE } from '../catalogue.js';
import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import type { Proposal } from '../proposal.js';

/** The catalogue rule: the service is purchasable and not on the negative list. */

export function checkServiceItem(p: Proposal): FieldError[] {
  const code = p.serviceItem;
  const allowedCodes = catalogueCodes(p.serviceArea);
  const allowed = SERVICE_CATALOGUE[p.serviceArea].map((i) => `${i.code} (${i.nameZh})`).join(', ');
  const refused = findNegativeListEntry(code);
  if (refused) {
    return [
      fieldError(
        'negative-list',
        'serviceItem',
        code,
        `${code} (${refused.nameZh}, ${refused.nameEn}) is on the negative list and cannot be purchased: ${refused.reason}`,
        allowed,
      ),
    ];
  }
  const found = findCatalogueItem(code);
  if (found?.area === p.serviceArea) return [];
  const where = found
    ? `${code} (${found.item.nameZh}) belongs to ${found.area}, not ${p.serviceArea}`
    : `${code} is not in the purchasable-service catalogue for ${p.serviceArea}`;
  return [
    fieldError(
      'service-catalogue',
      'serviceItem',
      code,
      `${where}; allowed: ${allowedCodes.join(', ')}`,
      allowed,
    ),
  ];
}
