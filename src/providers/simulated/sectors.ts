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

export const SECTOR_PROFILES: Readonly<Record<Sector, SectorProfile>> = {
  'Information Technology': {
    volatility: 0.32, beta: 1.2, priceToSales: 7, netMargin: 0.2, grossMargin: 0.6, revenueGrowth: 0.1,
    assetsToRevenue: 1.3, liabilitiesToAssets: 0.55, currentAssetShare: 0.45, inventoryShare: 0.08,
    currentLiabilityShare: 0.4, debtShare: 0.35, capexToRevenue: 0.05, depreciationToRevenue: 0.05,
    interestToRevenue: 0.01, payoutRatio: 0.25,
  },
  'Communication Services': {
    volatility: 0.28, beta: 1.0, priceToSales: 4, netMargin: 0.15, grossMargin: 0.55, revenueGrowth: 0.06,
    assetsToRevenue: 2, liabilitiesToAssets: 0.6, currentAssetShare: 0.25, inventoryShare: 0.02,
    currentLiabilityShare: 0.3, debtShare: 0.5, capexToRevenue: 0.12, depreciationToRevenue: 0.12,
    interestToRevenue: 0.03, payoutRatio: 0.3,
  },
  'Consumer Discretionary': {
    volatility: 0.32, beta: 1.1, priceToSales: 2, netMargin: 0.08, grossMargin: 0.38, revenueGrowth: 0.07,
    assetsToRevenue: 0.8, liabilitiesToAssets: 0.7, currentAssetShare: 0.4, inventoryShare: 0.35,
    currentLiabilityShare: 0.45, debtShare: 0.45, capexToRevenue: 0.05, depreciationToRevenue: 0.04,
    interestToRevenue: 0.01, payoutRatio: 0.25,
  },
  'Consumer Staples': {
    volatility: 0.17, beta: 0.6, priceToSales: 1.8, netMargin: 0.08, grossMargin: 0.38, revenueGrowth: 0.04,
    assetsToRevenue: 0.9, liabilitiesToAssets: 0.7, currentAssetShare: 0.35, inventoryShare: 0.35,
    currentLiabilityShare: 0.45, debtShare: 0.45, capexToRevenue: 0.04, depreciationToRevenue: 0.03,
    interestToRevenue: 0.01, payoutRatio: 0.6,
  },
  'Health Care': {
    volatility: 0.24, beta: 0.8, priceToSales: 4, netMargin: 0.14, grossMargin: 0.62, revenueGrowth: 0.06,
    assetsToRevenue: 1.5, liabilitiesToAssets: 0.6, currentAssetShare: 0.35, inventoryShare: 0.2,
    currentLiabilityShare: 0.35, debtShare: 0.45, capexToRevenue: 0.04, depreciationToRevenue: 0.05,
    interestToRevenue: 0.015, payoutRatio: 0.4,
  },
  Financials: {
    volatility: 0.24, beta: 1.1, priceToSales: 3.5, netMargin: 0.22, grossMargin: 0.7, revenueGrowth: 0.06,
    assetsToRevenue: 8, liabilitiesToAssets: 0.9, currentAssetShare: 0.3, inventoryShare: null,
    currentLiabilityShare: 0.7, debtShare: 0.15, capexToRevenue: 0.03, depreciationToRevenue: 0.03,
    interestToRevenue: 0.02, payoutRatio: 0.3,
  },
  Industrials: {
    volatility: 0.26, beta: 1.05, priceToSales: 2.5, netMargin: 0.1, grossMargin: 0.3, revenueGrowth: 0.05,
    assetsToRevenue: 1.2, liabilitiesToAssets: 0.7, currentAssetShare: 0.4, inventoryShare: 0.3,
    currentLiabilityShare: 0.4, debtShare: 0.45, capexToRevenue: 0.04, depreciationToRevenue: 0.04,
    interestToRevenue: 0.015, payoutRatio: 0.35,
  },
  Energy: {
    volatility: 0.3, beta: 0.9, priceToSales: 1.3, netMargin: 0.09, grossMargin: 0.3, revenueGrowth: 0.02,
    assetsToRevenue: 1.3, liabilitiesToAssets: 0.5, currentAssetShare: 0.25, inventoryShare: 0.2,
    currentLiabilityShare: 0.35, debtShare: 0.4, capexToRevenue: 0.1, depreciationToRevenue: 0.08,
    interestToRevenue: 0.01, payoutRatio: 0.45,
  },
  Materials: {
    volatility: 0.28, beta: 1.0, priceToSales: 2.2, netMargin: 0.1, grossMargin: 0.3, revenueGrowth: 0.04,
    assetsToRevenue: 1.6, liabilitiesToAssets: 0.5, currentAssetShare: 0.3, inventoryShare: 0.3,
    currentLiabilityShare: 0.35, debtShare: 0.45, capexToRevenue: 0.07, depreciationToRevenue: 0.06,
    interestToRevenue: 0.015, payoutRatio: 0.4,
  },
  Utilities: {
    volatility: 0.18, beta: 0.5, priceToSales: 2.8, netMargin: 0.13, grossMargin: 0.45, revenueGrowth: 0.04,
    assetsToRevenue: 4.5, liabilitiesToAssets: 0.72, currentAssetShare: 0.1, inventoryShare: 0.15,
    currentLiabilityShare: 0.2, debtShare: 0.6, capexToRevenue: 0.3, depreciationToRevenue: 0.13,
    interestToRevenue: 0.08, payoutRatio: 0.65,
  },
  'Real Estate': {
    volatility: 0.24, beta: 0.9, priceToSales: 8, netMargin: 0.25, grossMargin: 0.65, revenueGrowth: 0.05,
    assetsToRevenue: 7, liabilitiesToAssets: 0.55, currentAssetShare: 0.05, inventoryShare: null,
    currentLiabilityShare: 0.15, debtShare: 0.75, capexToRevenue: 0.05, depreciationToRevenue: 0.3,
    interestToRevenue: 0.12, payoutRatio: 0.9,
  },
};
