import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { MODELLED_EXCHANGES, marketStatus, type MarketStatus } from '../../domain/index.js';
import type { GraphQLContext } from '../context.js';
import { toGraphQLError } from '../errors.js';
import { MarketStatusType } from '../types/market-status.js';

/**
 * Market hours are public information (the exchanges publish them), so no right governs this
 * field. Answered from the calendar alone: no provider call, nothing cached.
 */
@Resolver()
export class MarketStatusResolver {
  @Query(() => MarketStatusType, {
    description:
      'Whether an exchange is trading now (the gateway’s clock for market data), its session, the holiday it is closed for, and its next open and close. ' +
      `Modelled: ${MODELLED_EXCHANGES.join(', ')}; any other exchange is refused with BAD_USER_INPUT.`,
  })
  marketStatus(
    @Arg('exchange', () => String, {
      nullable: false,
      defaultValue: 'NYSE',
      description: 'The exchange, any case: NYSE or NASDAQ, or their MICs XNYS and XNAS.',
    })
    exchange: string,
    @Ctx() { now }: GraphQLContext,
  ): MarketStatus {
    try {
      return marketStatus(exchange, now());
    } catch (error) {
      throw toGraphQLError(error);
    }
  }
}
