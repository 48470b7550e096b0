import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  BREAK,
  execute,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isLeafType,
  typeFromAST,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from '../kernel/context';

type Gateway = ApolloServerOptionsWithGateway<Context>['gateway'];
type Compiled = CompiledQuery & { operation: OperationDefinitionNode };

/** A query whose variables and arguments are all scalars or enums. */
function compilable(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type as Parameters<typeof typeFromAST>[1]);
    if (!type || !isLeafType(getNamedType(type))) return false;
  }
  let objectValue = false;
  visit(document, {
    ObjectValue() {
      objectValue = true;
      return BREAK;
    },
  });
  return !objectValue;
}

/**
 * Runs operations compiled by graphql-jit instead of interpreted by graphql-js. Apollo Server still
 * parses, validates (depth, cost), builds the context, formats errors and runs every plugin; only
 * the execution of a validated document changes. graphql-js walks every field of every result
 * object through its generic machinery (argument coercion, a resolve info, a completion step) and
 * builds the result from prototype-less objects that JSON.stringify serialises slowly; a compiled
 * operation does the same work in code written for that one document. A board of 151 rows or a
 * breakdown of 209 schemes is thousands of fields: execution and serialisation take a quarter of the
 * time. The compiled form of each document is kept as long as Apollo keeps the parsed document.
 *
 * Only queries are compiled, and only those whose variables and arguments are scalars and enums:
 * graphql-jit coerces input objects differently from graphql-js (an omitted field with a default is
 * refused), and mutations gain nothing worth a second path. Everything else is interpreted by
 * graphql-js, as are variables that do not fit their type, so that their errors read as graphql-js
 * writes them (BAD_USER_INPUT, HTTP 400).
 *
 * Apollo Server takes a custom executor only through its gateway interface: this is such a gateway,
 * serving the one schema it is given.
 */
export function compiledExecution(schema: GraphQLSchema): Gateway {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | null>>();

  const compiledFor = (document: DocumentNode, operationName: string | null): Compiled | null => {
    let byOperation = compiled.get(document);
    if (!byOperation) {
      byOperation = new Map();
      compiled.set(document, byOperation);
    }
    const key = operationName ?? '';
    let query = byOperation.get(key);
    if (query === undefined) {
      const operation = getOperationAST(document, operationName);
      const result = operation && compilable(schema, document, operation) ? compileQuery(schema, document, operationName ?? undefined, { customJSONSerializer: false }) : null;
      // A document graphql-jit cannot compile is interpreted by graphql-js, which also reports its errors.
      query = operation && result && isCompiledQuery(result) ? Object.assign(result, { operation }) : null;
      byOperation.set(key, query);
    }
    return query;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return {
        executor: async ({ document, operationName, request, context }) => {
          const variables = request.variables ?? {};
          const query = compiledFor(document, operationName ?? null);
          if (query) {
            const coerced = getVariableValues(schema, query.operation.variableDefinitions ?? [], variables);
            if (coerced.errors) return { errors: coerced.errors };
            return withGraphQLErrors(await query.query(undefined, context, variables));
          }
          return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
        },
      };
    },
    async stop() {},
  };
}

/**
 * graphql-jit reports errors in a class of its own, without `extensions` when the error has none;
 * Apollo Server (and formatError) expect graphql-js's, which always has them. Same message, path,
 * locations and original error.
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
    if (error.locations) Object.assign(converted, { locations: error.locations });
    return converted;
  });
  return { ...result, errors };
}
