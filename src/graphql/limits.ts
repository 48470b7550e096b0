import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNamedType, isLeafType, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { getComplexity, type ComplexityEstimator, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { isDay } from '../kernel/dates';
import { LimitExceededError } from '../kernel/errors';
import { DEFAULT_PAGE_SIZE } from '../kernel/pagination';
import { text } from '../kernel/messages';

// What one operation may ask for. Each is checked before anything runs and is stated in docs/limits.md.

/** Aliased fields per operation (fragments counted where they are spread): what makes one request many. */
export const MAX_QUERY_ALIASES = 30;
/** Directives per operation. */
export const MAX_QUERY_DIRECTIVES = 50;
/** Selections per operation, counted through every fragment spread. */
export const MAX_QUERY_SELECTIONS = 1000;

// Units of cost, calibrated to work: a field the server answers from what it already holds costs
// nothing, an object 1, a field that reads the database READ_COST, and every root field ROOT_FIELD_COST
// (a root field is a separate entry into the services: access checks, caller's scope, its own reads).
export const ROOT_FIELD_COST = 100;
export const READ_COST = 10;
/** The longest series a trend or progress series answers (months). */
export const MAX_SERIES_MONTHS = 120;
/** Rows a board lists without `level` (the children of one node), and with it (every descendant at a level). */
export const BOARD_CHILD_ROWS = 100;
export const BOARD_LEVEL_ROWS = 3000;
/** The villages a list of public notices is priced for: a town's, or the villages of a county with someone on notice at once. */
export const NOTICE_LIST_VILLAGES = 100;

/**
 * The limits that need the document to be valid first: Apollo runs them only once the specification's
 * rules have passed (unknown fragments, cycles and spreads of a fragment into itself are refused by
 * graphql-js), so none of them ever meets a document it cannot walk.
 */
export function documentLimitRules(maxDepth: number): ValidationRule[] {
  // Reported as validation errors (HTTP 400, GRAPHQL_VALIDATION_FAILED), never thrown out of the validator.
  // Tokens, suggestions and cost are kept elsewhere: graphql-js's parser (maxTokens), Apollo Server
  // (hideSchemaDetailsFromClientErrors) and costLimitPlugin below.
  const armor = new ApolloArmor({
    maxDepth: { n: maxDepth },
    maxAliases: { n: MAX_QUERY_ALIASES },
    maxDirectives: { n: MAX_QUERY_DIRECTIVES },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().validationRules as ValidationRule[];
}

/** Cost of a connection field: its page size times the cost of one node. */
export function connectionCost({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + first * Math.max(childComplexity, 1);
}

/** The months from the month of `from` to the month of `to`, as a series answers them (at most MAX_SERIES_MONTHS). */
function seriesMonths(from: unknown, to: unknown): number {
  if (typeof from !== 'string' || typeof to !== 'string' || !isDay(from) || !isDay(to)) return MAX_SERIES_MONTHS;
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  return Math.min(Math.max(months, 1), MAX_SERIES_MONTHS);
}

/** Cost of a monthly series (`from`, `to`): a read, and every month's point. */
export function seriesCost({ args, childComplexity }: ComplexityEstimatorArgs): number {
  return READ_COST + seriesMonths(args.from, args.to) * Math.max(childComplexity, 1);
}

/** Cost of a year's figures (`year`): a read, its 12 months judged once, and its selection. */
export function yearCost({ childComplexity }: ComplexityEstimatorArgs): number {
  return READ_COST + 12 + childComplexity;
}

/** Cost of one year's figure (`year` names which year, not a span of months): a read and its selection. */
export function singleYearCost({ childComplexity }: ComplexityEstimatorArgs): number {
  return READ_COST + childComplexity;
}

/** Cost of a board: a read, and each of its rows (a level's descendants when `level` is given). */
export function boardCost({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const rows = args.level == null ? BOARD_CHILD_ROWS : BOARD_LEVEL_ROWS;
  return READ_COST + rows * Math.max(childComplexity, 1);
}

/** Cost of the public-notice lists under a node: a read, and a village's list for each of NOTICE_LIST_VILLAGES. */
export function noticeListCost({ childComplexity }: ComplexityEstimatorArgs): number {
  return READ_COST + NOTICE_LIST_VILLAGES * Math.max(childComplexity, 1);
}

/**
 * The cost of one field: its own estimator when it has one (a number: its work plus its selection's),
 * nothing for a plain value, 1 plus its selection for an object; a root field also costs ROOT_FIELD_COST.
 */
function workEstimator(schema: GraphQLSchema): ComplexityEstimator {
  const roots = new Set<unknown>([schema.getQueryType(), schema.getMutationType()].filter((type) => type != null));
  return (options) => {
    const own = options.field.extensions?.complexity as number | ComplexityEstimator | undefined;
    let cost: number;
    if (typeof own === 'number') cost = own + options.childComplexity;
    else if (typeof own === 'function') cost = Number(own(options) ?? 0);
    else cost = isLeafType(getNamedType(options.field.type)) ? 0 : 1 + options.childComplexity;
    return roots.has(options.type) ? ROOT_FIELD_COST + cost : cost;
  };
}

/** The estimated cost of an operation, or null when its variables do not coerce (execution refuses them). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): number | null {
  try {
    return getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: variables ?? {}, estimators: [workEstimator(schema)] });
  } catch {
    return null;
  }
}

// Costs already estimated, per parsed document (the server keeps one per distinct query text) and
// operation name and variables: a client repeating a query is not charged the estimate again.
const COSTS_PER_DOCUMENT = 100;

/**
 * Refuses an operation whose estimated cost is over `maxCost`, before anything runs (HTTP 400);
 * hands the cost of every other operation to `charge` (which may refuse it in turn).
 */
export function costLimitPlugin<TContext extends object>(
  schema: GraphQLSchema,
  maxCost: number,
  charge: (ctx: TContext, cost: number) => Promise<void> = async () => {},
): ApolloServerPlugin<TContext> {
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, contextValue }) {
          let costs = known.get(document);
          if (!costs) {
            costs = new Map();
            known.set(document, costs);
          }
          const key = `${request.operationName ?? ''}|${JSON.stringify(request.variables ?? {})}`;
          let cost = costs.get(key);
          if (cost === undefined) {
            const estimate = operationCost(schema, document, request.operationName, request.variables);
            // Variables that do not coerce: execution refuses them with BAD_USER_INPUT before anything runs.
            if (estimate === null) return;
            cost = estimate;
            if (costs.size >= COSTS_PER_DOCUMENT) costs.delete(costs.keys().next().value as string);
            costs.set(key, cost);
          }
          if (cost > maxCost) {
            throw new LimitExceededError(text('QUERY_COST', { cost, maxCost }), {
              cost,
              maxCost,
            });
          }
          await charge(contextValue, cost);
        },
      };
    },
  };
}
