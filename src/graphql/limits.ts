import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { LimitExceededError } from './errors';
import { DEFAULT_PAGE_SIZE } from './pagination';

/** Cost of a connection field: its page size times the cost of one node. */
export function connectionCost({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + first * Math.max(childComplexity, 1);
}

// Costs already estimated, per parsed document (the server keeps one per distinct query text) and
// operation name and variables: a client repeating a query is not charged the estimate again.
const COSTS_PER_DOCUMENT = 100;

/** Refuses an operation whose estimated cost is over `maxCost`, before anything runs (HTTP 400). */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let costs = known.get(document);
          if (!costs) {
            costs = new Map();
            known.set(document, costs);
          }
          const key = `${request.operationName ?? ''}|${JSON.stringify(request.variables ?? {})}`;
          let cost = costs.get(key);
          if (cost === undefined) {
            try {
              cost = getComplexity({
                schema,
                query: document,
                operationName: request.operationName ?? undefined,
                variables: request.variables ?? {},
                estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
              });
            } catch {
              // Variables that do not coerce: execution refuses them with BAD_USER_INPUT before anything runs.
              return;
            }
            if (costs.size >= COSTS_PER_DOCUMENT) costs.delete(costs.keys().next().value as string);
            costs.set(key, cost);
          }
          if (cost > maxCost) {
            throw new LimitExceededError(`Query cost ${cost} is over the limit of ${maxCost}; ask for smaller pages or fewer fields`, {
              cost,
              maxCost,
            });
          }
        },
      };
    },
  };
}
