import { useEffect, useState } from 'preact/hooks';
import { STAGES, type Stage } from '../../../shared/domain/lifecycle.js';
import { SERVICE_AREAS, type ServiceArea } from '../../../shared/domain/proposal.js';
import { SERVICE_AREA_LABELS, STAGE_LABELS } from '../../../shared/presentation/labels.js';
import { ApiError, apiGet, type FieldError, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { href, type Route } from '../route.js';

/** A row of GET /purchases (PurchaseListRow on the server). */
interface PurchaseRow {
  readonly purchaseId: string;
  readonly title: string;
  readonly ngo: { readonly name: string; readonly creditCode: string };
  readonly serviceArea: ServiceArea;
  readonly district: string;
  readonly stage: Stage;
  readonly totalYuan: string;
  readonly updatedAt: string;
}

interface PurchaseList {
  readonly year: number;
  readonly items: readonly PurchaseRow[];
  readonly countsByStage: Readonly<Record<Stage, number>>;
  readonly total: number;
  readonly nextCursor?: string;
}

/** The filters, kept in the address so a filtered list can be bookmarked and the back button works. */
const FILTERS = ['year', 'stage', 'serviceArea', 'district', 'ngo', 'q', 'sort'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const SORTS = [
  { value: 'newest', zh: '最新登记', en: 'newest first' },
  { value: 'oldest', zh: '最早登记', en: 'oldest first' },
  { value: 'updated', zh: '最近更新', en: 'recently changed' },
  { value: 'amount-desc', zh: '金额从高到低', en: 'amount, highest first' },
  { value: 'amount-asc', zh: '金额从低到高', en: 'amount, lowest first' },
] as const;

function filtersOf(route: Route): Filters {
  return Object.fromEntries(FILTERS.map((f) => [f, route.query.get(f) ?? undefined]).filter(([, v]) => v));
}

export function PurchasesPage({ token, route }: { token: TokenSource; route: Route }) {
  const filters = filtersOf(route);
  const key = JSON.stringify(filters);
  const [pages, setPages] = useState<PurchaseList[]>([]);
  const [error, setError] = useState<{ message: string; fields: readonly FieldError[] }>();
  const [loading, setLoading] = useState(false);

  const load = (cursor?: string) => {
    setLoading(true);
    const query = new URLSearchParams({ ...filters, ...(cursor ? { cursor } : {}) } as Record<
      string,
      string
    >);
    apiGet<PurchaseList>(token, `/purchases?${query}`).then(
      (page) => {
        setPages((before) => (cursor ? [...before, page] : [page]));
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        setError(
          e instanceof ApiError
            ? { message: e.message, fields: e.fieldErrors }
            : { message: String(e), fields: [] },
        );
        setLoading(false);
      },
    );
  };
  // Loads again when the filters in the address change (`key` is them, written out).
  useEffect(() => load(), [key]);

  const first = pages[0];
  const rows = pages.flatMap((p) => p.items);
  const last = pages.at(-1);
  const navigate = (next: Filters) => {
    window.location.hash = href('/purchases', next);
  };

  return (
    <>
      <h1>
        <Bilingual zh="采购项目" en="Purchases" />
      </h1>
      <FilterForm filters={filters} year={first?.year} onApply={navigate} />
      {error && (
        <div role="alert" class="error">
          <p>{error.message}</p>
          {error.fields.map((f) => (
            <p key={f.field}>
              {f.field}: {f.message}
              {f.allowed ? ` (${f.allowed})` : ''}
            </p>
          ))}
        </div>
      )}
      {first && (
        <nav aria-label="按阶段 · By stage" class="stage-counts">
          <ul>
            <li>
              <a
                href={href('/purchases', { ...filters, stage: undefined })}
                aria-current={filters.stage ? undefined : 'page'}
              >
                全部 All{' '}
                <span class="count">{Object.values(first.countsByStage).reduce((a, b) => a + b, 0)}</span>
              </a>
            </li>
            {STAGES.map((stage) => (
              <li key={stage}>
                <a
                  href={href('/purchases', { ...filters, stage })}
                  aria-current={filters.stage === stage ? 'page' : undefined}
                >
                  {STAGE_LABELS[stage].zh} <span lang="en">{STAGE_LABELS[stage].en}</span>{' '}
                  <span class="count">{first.countsByStage[stage]}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {first && (
        <p aria-live="polite">
          {first.year} 年度共 {first.total} 个项目，已显示 {rows.length} 个 ·{' '}
          <span lang="en">
            {first.total} purchases in budget year {first.year}, {rows.length} shown
          </span>
        </p>
      )}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="list">
            <caption class="visually-hidden">采购项目列表 · List of purchases</caption>
            <thead>
              <tr>
                <th scope="col">项目 · Purchase</th>
                <th scope="col">承接机构 · NGO</th>
                <th scope="col">领域 · Area</th>
                <th scope="col">区 · District</th>
                <th scope="col">阶段 · Stage</th>
                <th scope="col" class="num">
                  金额 · Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.purchaseId}>
                  <td>
                    <a href={href(`/purchases/${row.purchaseId}`)}>{row.title}</a>
                    <span class="id">{row.purchaseId}</span>
                  </td>
                  <td>{row.ngo.name}</td>
                  <td>{SERVICE_AREA_LABELS[row.serviceArea].zh}</td>
                  <td>{row.district}</td>
                  <td>
                    <span class={`stage stage-${row.stage.toLowerCase()}`}>{STAGE_LABELS[row.stage].zh}</span>
                  </td>
                  <td class="num">{row.totalYuan}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {first && rows.length === 0 && (
        <p>
          <Bilingual zh="没有符合条件的项目。" en="No purchase matches." />
        </p>
      )}
      {last?.nextCursor && (
        <button type="button" disabled={loading} onClick={() => load(last.nextCursor)}>
          加载更多 · Show more
        </button>
      )}
    </>
  );
}

function FilterForm({
  filters,
  year,
  onApply,
}: {
  filters: Filters;
  year: number | undefined;
  onApply: (filters: Filters) => void;
}) {
  const thisYear = new Date().getFullYear();
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2, thisYear - 3];
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const next: Filters = {};
        for (const f of FILTERS) {
          const value = String(data.get(f) ?? '').trim();
          if (value) next[f] = value;
        }
        onApply(next);
      }}
    >
      <label>
        年度 · Year
        <select name="year" value={filters.year ?? String(year ?? thisYear)}>
          {years.map((y) => (
            <option key={y} value={String(y)}>
              {y}
            </option>
          ))}
        </select>
      </label>
      <label>
        阶段 · Stage
        <select name="stage" value={filters.stage ?? ''}>
          <option value="">全部 · All</option>
          {STAGES.map((s) => (
            <option key={s} value={s}>
              {STAGE_LABELS[s].zh} · {STAGE_LABELS[s].en}
            </option>
          ))}
        </select>
      </label>
      <label>
        服务领域 · Service area
        <select name="serviceArea" value={filters.serviceArea ?? ''}>
          <option value="">全部 · All</option>
          {SERVICE_AREAS.map((a) => (
            <option key={a} value={a}>
              {SERVICE_AREA_LABELS[a].zh} · {SERVICE_AREA_LABELS[a].en}
            </option>
          ))}
        </select>
      </label>
      <label>
        区 · District
        <input name="district" value={filters.district ?? ''} maxLength={60} />
      </label>
      <label>
        机构信用代码 · NGO credit code
        <input name="ngo" value={filters.ngo ?? ''} maxLength={18} autoComplete="off" />
      </label>
      <label>
        搜索 · Search
        <input name="q" type="search" value={filters.q ?? ''} maxLength={100} />
      </label>
      <label>
        排序 · Sort
        <select name="sort" value={filters.sort ?? 'newest'}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.zh} · {s.en}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary">
        查询 · Search
      </button>
    </form>
  );
}
