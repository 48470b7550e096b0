import { Capability } from '../kernel/actor';
import { mutation } from '../audit/mutation';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { AppError, BadUserInputError, ForbiddenError } from '../kernel/errors';
import { ImportRowErrorCode } from './elderly-kinds';
import { maskNationalId } from './national-id';
import { COLUMN_BY_INPUT_FIELD, PEOPLE_COLUMNS, readPeopleCsv, rowInput, type ColumnName } from './person-csv';
import { figureFactsOf, recordPeopleChanges } from './person-rollups';
import type { ImportPeopleInput } from './person.inputs';
import { personImportRepository } from './person-import.repository';
import { personService } from './person.service';
import { checkRegistration, placesFor, type FieldProblem, type Registration } from './person.rules';
import type { ImportRowError, PersonImport } from './person.types';

const COLUMN_ORDER = new Map<ColumnName | null, number>([[null, -1], ...PEOPLE_COLUMNS.map((column, i) => [column.name, i] as const)]);

/** A file with bad rows, refused whole: thrown to roll the transaction back, answered as a normal outcome. */
class ImportRefused extends AppError {
  constructor(readonly outcome: PersonImport) {
    super('BAD_USER_INPUT', 'the file has rows that cannot be imported; nothing was written');
  }
}

/** A problem that a rule of registerPerson found, as an error of the row's column. */
function rowError(line: number, { field, error }: FieldProblem): ImportRowError {
  const head = /^\w+/.exec(field)![0];
  const column = COLUMN_BY_INPUT_FIELD.get(head)!;
  // A village outside the caller's subtree: registerPerson answers FORBIDDEN, an import refuses the row.
  if (error instanceof ForbiddenError) {
    return { line, field: column.name, code: ImportRowErrorCode.OUT_OF_SCOPE, message: 'the village is outside your jurisdiction' };
  }
  const rest = field.slice(head.length);
  const problem = error instanceof BadUserInputError ? error.problem : error.message;
  return { line, field: column.name, code: column.code, message: rest ? `${column.name}${rest}: ${problem}` : problem };
}

export const personImportService = {
  /**
   * Registers the people of a CSV file, each row checked by registerPerson's rules, and moves the
   * people counts with them, in one transaction and a fixed number of statements however long the
   * file. By default a single bad row means nothing is written; with `goodRowsOnly` the good rows go
   * in; with `dryRun` nothing does. Every bad row is reported with its line, column and code,
   * national IDs masked.
   */
  async import(ctx: Context, input: ImportPeopleInput): Promise<PersonImport> {
    const dryRun = input.dryRun ?? false;
    const goodRowsOnly = input.goodRowsOnly ?? false;
    // People whose registered ID the answer confirms, audited once the import's transaction is over (even rolled back).
    let identified: { nationalId: string; id: number; villageId: number }[] = [];
    try {
      const spec = { action: dryRun ? 'person.importCheck' : 'person.import', capability: Capability.EDIT_PEOPLE };
      return await mutation(ctx, spec, async ({ tx, ctx, grant, target, detail }) => {
        target('Person', []);
        const today = todayInChina();
        const rows = readPeopleCsv(input.csv).map((row) => ({ line: row.line, ...rowInput(row) }));
        const places = await placesFor(ctx, rows.map((row) => row.input), '');

        const errors: ImportRowError[] = [];
        const checked = rows.map(({ line, input: registration, problems }) => {
          for (const { column, code, message } of problems) errors.push({ line, field: column, code, message });
          const check = checkRegistration(registration, '', today, places);
          // A cell whose notation was wrong has been reported already: what the rules say of it adds nothing.
          const noted = new Set(problems.map((p) => p.column));
          for (const problem of check.problems) {
            const error = rowError(line, problem);
            if (!noted.has(error.field as ColumnName)) errors.push(error);
          }
          return { line, check };
        });

        // The same person twice in the file: the later line is refused, naming the earlier one.
        const firstLine = new Map<string, number>();
        for (const { line, check } of checked) {
          if (!check.nationalId) continue;
          const earlier = firstLine.get(check.nationalId.value);
          if (earlier === undefined) firstLine.set(check.nationalId.value, line);
          else {
            const message = `the national ID ${maskNationalId(check.nationalId.value)} is on line ${earlier} too`;
            errors.push({ line, field: 'nationalId', code: ImportRowErrorCode.DUPLICATE_IN_FILE, message });
          }
        }
        // Registered already, wherever the person lives: the answer says so and nothing of where.
        const alreadyRegistered = (nationalId: string, line: number): ImportRowError => ({
          line,
          field: 'nationalId',
          code: ImportRowErrorCode.ALREADY_REGISTERED,
          message: `a person with the national ID ${maskNationalId(nationalId)} is already registered`,
        });
        identified = await personImportRepository.registeredAmong(tx, [...firstLine.keys()]);
        for (const { nationalId } of identified) errors.push(alreadyRegistered(nationalId, firstLine.get(nationalId)!));

        const outcome = (imported: number): PersonImport => {
          errors.sort((a, b) => a.line - b.line || COLUMN_ORDER.get(a.field as ColumnName | null)! - COLUMN_ORDER.get(b.field as ColumnName | null)!);
          const rejectedRows = new Set(errors.map((error) => error.line)).size;
          detail({ rows: rows.length, imported, rejectedRows, goodRowsOnly, dryRun });
          return { dryRun, rows: rows.length, imported, rejectedRows, rejected: [...errors] };
        };
        if (dryRun) return outcome(0);
        if (errors.length > 0 && !goodRowsOnly) throw new ImportRefused(outcome(0));

        const refused = new Set(errors.map((error) => error.line));
        const good = checked.filter(({ line }) => !refused.has(line)).map(({ line, check }) => ({ line, ...(check.registration as Registration) }));
        const inserted = await personImportRepository.insertMany(tx, good, grant!.actor.userId);
        // Registered by someone else between the check and the insert: the unique constraint kept them out.
        const insertedIds = new Set(inserted.map((row) => row.nationalId));
        for (const { line, fields } of good) if (!insertedIds.has(fields.nationalId)) errors.push(alreadyRegistered(fields.nationalId, line));
        if (inserted.length < good.length && !goodRowsOnly) throw new ImportRefused(outcome(0));
        // The new people join the people counts in this transaction, set-wise: a fixed number of statements for any number of rows.
        await recordPeopleChanges(tx, [], await figureFactsOf(tx, inserted.map((row) => row.id)));
        target('Person', inserted.map((row) => row.id));
        return outcome(inserted.length);
      });
    } catch (error) {
      if (error instanceof ImportRefused) return error.outcome;
      throw error;
    } finally {
      if (identified.length > 0) await personService.recordIdentified(ctx, identified);
    }
  },
};
