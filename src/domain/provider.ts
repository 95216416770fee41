import { z } from 'zod';

/** Every data source the gateway can speak to. `simulated` is built in and needs no key. */
export const ProviderIdSchema = z.enum(['simulated', 'alphavantage', 'fmp', 'polygon', 'finnhub', 'twelvedata', 'fred']);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

/** What a provider can be asked for. An adapter declares only the ones it really serves. */
export const CapabilitySchema = z.enum(['quote', 'history', 'profile', 'statements', 'search', 'economicSeries', 'stream']);
export type Capability = z.infer<typeof CapabilitySchema>;
