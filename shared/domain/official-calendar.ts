import published from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { type OfficialCalendar, type WorkingCalendar, workingCalendar } from './working-days.js';

/**
 * The official calendar a deployment counts working days on: the State Council's notices as the
 * `chinese-days` package holds them (up to the year of its release; only its data is bundled, not
 * its lunar calendar), with the years of the settings' `policy.officialCalendar` added or put in
 * their place.
 */

const PACKAGE_DAYS = {
  holidays: Object.keys(published.holidays),
  workdays: Object.keys(published.workdays),
};

/** The years the package knows, first to last. */
export const PACKAGE_YEARS: readonly number[] = [
  ...new Set(PACKAGE_DAYS.holidays.map((d) => Number(d.slice(0, 4)))),
].sort((a, b) => a - b);

const built = new WeakMap<OfficialCalendar, WorkingCalendar>();

export function officialCalendar(settings: { officialCalendar: OfficialCalendar }): WorkingCalendar {
  const years = settings.officialCalendar;
  let calendar = built.get(years);
  if (!calendar) {
    calendar = workingCalendar(years, PACKAGE_DAYS);
    built.set(years, calendar);
  }
  return calendar;
}
