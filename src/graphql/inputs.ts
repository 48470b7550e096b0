import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type OperationDefinitionNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { dayInRange, EARLIEST_DAY, LATEST_DAY } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { text as message, type Text } from '../kernel/messages';

// Text PostgreSQL cannot store (NUL, half of a surrogate pair), text that displays other than it reads
// (bidirectional overrides and isolates, which can make "abc" show as "cba"), and names nobody can see.
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE = '\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180E\\u200B-\\u200D\\u2060-\\u2064\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0';
const HAS_INVISIBLE = new RegExp(`[${INVISIBLE}]`);
const ONLY_INVISIBLE = new RegExp(`^[\\s${INVISIBLE}]*$`);
// The year of a Date (YYYY-MM-DD) or DateTimeISO (YYYY-MM-DDThh:mm…) value.
const DATED = /^(\d{4})-\d{2}-\d{2}/;

/** What is wrong with a text argument from a client, or null when nothing is. */
export function textProblem(text: string): Text | null {
  if (NUL.test(text)) return message('NO_NUL');
  if (LONE_SURROGATE.test(text)) return message('NO_LONE_SURROGATE');
  if (BIDI_CONTROL.test(text)) return message('NO_BIDI_CONTROL');
  if (HAS_INVISIBLE.test(text) && ONLY_INVISIBLE.test(text)) return message('NOT_ONLY_INVISIBLE');
  return null;
}

function check(text: string, type: GraphQLInputType | null, field: string): void {
  const problem = textProblem(text);
  if (problem) throw new BadUserInputError(field, problem);
  const named = type && getNamedType(type).name;
  if (named === 'Date' || named === 'DateTimeISO') {
    const day = DATED.exec(text);
    if (day && !dayInRange(`${day[1]}-01-01`)) throw new BadUserInputError(field, message('DAY_RANGE', { earliest: EARLIEST_DAY, latest: LATEST_DAY }));
  }
}

/** The type of an item of a list of `type` (a single value given for a list is coerced to one item). */
function itemType(type: GraphQLInputType | null): GraphQLInputType | null {
  const nullable = type && getNullableType(type);
  return nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : type;
}

function fieldType(type: GraphQLInputType | null, name: string): GraphQLInputType | null {
  const named = type && getNamedType(type);
  return named && isInputObjectType(named) ? (named.getFields()[name]?.type ?? null) : null;
}

/** Checks a value as the client sent it in `variables` (JSON), every text inside it included. */
function checkJson(value: unknown, type: GraphQLInputType | null, field: string): void {
  if (typeof value === 'string') check(value, type, field);
  else if (Array.isArray(value)) value.forEach((item, i) => checkJson(item, itemType(type), `${field}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      if (textProblem(name)) throw new BadUserInputError(`${field}.${name}`, textProblem(name)!);
      checkJson(item, fieldType(type, name), `${field}.${name}`);
    }
  }
}

interface Walk {
  variables: Record<string, unknown>;
  definitions: Map<string, VariableDefinitionNode>;
}

/** Checks a value written in the document, following variables to what the client sent for them. */
function checkLiteral(node: ValueNode, type: GraphQLInputType | null, field: string, walk: Walk): void {
  switch (node.kind) {
    case Kind.STRING:
      return check(node.value, type, field);
    case Kind.LIST:
      return node.values.forEach((item, i) => checkLiteral(item, itemType(type), `${field}[${i}]`, walk));
    case Kind.OBJECT:
      return node.fields.forEach((item) => checkLiteral(item.value, fieldType(type, item.name.value), `${field}.${item.name.value}`, walk));
    case Kind.VARIABLE: {
      const name = node.name.value;
      if (Object.prototype.hasOwnProperty.call(walk.variables, name)) return checkJson(walk.variables[name], type, field);
      const fallback = walk.definitions.get(name)?.defaultValue;
      if (fallback) checkLiteral(fallback, type, field, walk);
      return;
    }
    default:
      return;
  }
}

/**
 * Refuses, with BAD_USER_INPUT naming the argument (`input.name`, `asOf`), an operation any of whose
 * arguments holds text that cannot be stored or shown for what it is, or a day outside the years the
 * database and the calendar code take. Runs on the operation chosen and every fragment it may spread.
 */
export function checkInputs(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, typeInfo: () => TypeInfo): void {
  const walk: Walk = { variables, definitions: new Map((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, definition])) };
  const roots = [operation, ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)];
  for (const root of roots) {
    const info = typeInfo();
    visit(
      root,
      visitWithTypeInfo(info, {
        Argument(node) {
          checkLiteral(node.value, info.getInputType() ?? null, node.name.value, walk);
        },
      }),
    );
  }
}

/** Runs `checkInputs` on every operation before it executes; a refusal is HTTP 400. */
export function inputCheckPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          try {
            checkInputs(document, operation, request.variables ?? {}, () => new TypeInfo(schema));
          } catch (error) {
            if (error instanceof BadUserInputError) error.extensions.http = { status: 400 };
            throw error;
          }
        },
      };
    },
  };
}
