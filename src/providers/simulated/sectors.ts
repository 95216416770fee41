/**
 * Typical shapes of a company by GICS sector: how much its stock moves and what its books look
 * like. Listings override the few numbers where a famous name is far from its sector's norm.
 * The values are rough medians of large caps around 2024–2025, good enough to make statements
 * look like the business they belong to (a bank's balance sheet dwarfs its revenue, a utility
 * spends more on capex than it earns).
 */

export const SECTORS = [
  'Information Technology',
  'Communication Services',
  'Consumer Discretionary',
  'Consumer Staples',
  'Health Care',
  'Financials',
  'Industrials',
  'Energy',
  'Materials',
  'Utilities',
  'Real Estate',
] as const;
export type Sector = (typeof SECTORS)[number];

export interface SectorProfile {
  /** Annualised volatility of daily log returns. */
  readonly volatility: number;
  /** Sensitivity to the market-wide daily move. */
  readonly beta: number;
  /** Market cap over annual revenue, to size the statements from the market cap. */
  readonly priceToSales: number;
  readonly netMargin: number;
  readonly grossMargin: number;
  readonly revenueGrowth: number;
  readonly assetsToRevenue: number;
  readonly liabilitiesToAssets: number;
  /** Share of total assets that is current. */
  readonly currentAssetShare: number;
  /** Share of current assets held as inventory; null where the business holds none (banks, REITs). */
  readonly inventoryShare: number | null;
  /** Share of total liabilities that is current. */
  readonly currentLiabilityShare: number;
  /** Share of total liabilities that is borrowed money. */
  readonly debtShare: number;
  readonly capexToRevenue: number;
  readonly depreciationToRevenue: number;
  readonly interestToRevenue: number;
  readonly payoutRatio: number;
}

/** The columns of `SECTOR_ROWS`, in order: one sector's profile is one row of the table. */
const COLUMNS = [
  'volatility', 'beta', 'priceToSales', 'netMargin', 'grossMargin', 'revenueGrowth', 'assetsToRevenue', 'liabilitiesToAssets',
  'currentAssetShare', 'inventoryShare', 'currentLiabilityShare', 'debtShare', 'capexToRevenue', 'depreciationToRevenue',
  'interestToRevenue', 'payoutRatio',
] as const satisfies readonly (keyof SectorProfile)[];

/** The cells of a row, each typed as its column's field (a generic, so the mapping keeps the tuple). */
type Cells<Names extends readonly (keyof SectorProfile)[]> = { readonly [Index in keyof Names]: SectorProfile[Names[Index]] };
type SectorRow = Cells<typeof COLUMNS>;

/** A table rather than sixteen named fields per sector, so that sectors compare down a column. */
const SECTOR_ROWS: Readonly<Record<Sector, SectorRow>> = {
  //                         vol   beta  P/S  net   gross grow  A/R  L/A   curA  inv   curL  debt  capex depr  int    payout
  'Information Technology': [0.32, 1.2,  7,   0.2,  0.6,  0.1,  1.3, 0.55, 0.45, 0.08, 0.4,  0.35, 0.05, 0.05, 0.01,  0.25],
  'Communication Services': [0.28, 1.0,  4,   0.15, 0.55, 0.06, 2,   0.6,  0.25, 0.02, 0.3,  0.5,  0.12, 0.12, 0.03,  0.3],
  'Consumer Discretionary': [0.32, 1.1,  2,   0.08, 0.38, 0.07, 0.8, 0.7,  0.4,  0.35, 0.45, 0.45, 0.05, 0.04, 0.01,  0.25],
  'Consumer Staples':       [0.17, 0.6,  1.8, 0.08, 0.38, 0.04, 0.9, 0.7,  0.35, 0.35, 0.45, 0.45, 0.04, 0.03, 0.01,  0.6],
  'Health Care':            [0.24, 0.8,  4,   0.14, 0.62, 0.06, 1.5, 0.6,  0.35, 0.2,  0.35, 0.45, 0.04, 0.05, 0.015, 0.4],
  Financials:               [0.24, 1.1,  3.5, 0.22, 0.7,  0.06, 8,   0.9,  0.3,  null, 0.7,  0.15, 0.03, 0.03, 0.02,  0.3],
  Industrials:              [0.26, 1.05, 2.5, 0.1,  0.3,  0.05, 1.2, 0.7,  0.4,  0.3,  0.4,  0.45, 0.04, 0.04, 0.015, 0.35],
  Energy:                   [0.3,  0.9,  1.3, 0.09, 0.3,  0.02, 1.3, 0.5,  0.25, 0.2,  0.35, 0.4,  0.1,  0.08, 0.01,  0.45],
  Materials:                [0.28, 1.0,  2.2, 0.1,  0.3,  0.04, 1.6, 0.5,  0.3,  0.3,  0.35, 0.45, 0.07, 0.06, 0.015, 0.4],
  Utilities:                [0.18, 0.5,  2.8, 0.13, 0.45, 0.04, 4.5, 0.72, 0.1,  0.15, 0.2,  0.6,  0.3,  0.13, 0.08,  0.65],
  'Real Estate':            [0.24, 0.9,  8,   0.25, 0.65, 0.05, 7,   0.55, 0.05, null, 0.15, 0.75, 0.05, 0.3,  0.12,  0.9],
};

function profileOf(row: SectorRow): SectorProfile {
  // fromEntries types its values loosely; each column's cell has that field's type (SectorRow says so).
  return Object.fromEntries(COLUMNS.map((column, index) => [column, row[index]])) as unknown as SectorProfile;
}

export const SECTOR_PROFILES: Readonly<Record<Sector, SectorProfile>> = Object.fromEntries(
  SECTORS.map((sector) => [sector, profileOf(SECTOR_ROWS[sector])]),
) as Record<Sector, SectorProfile>;
