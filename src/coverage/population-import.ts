import { Capability } from '../kernel/actor';
import { mutation } from '../audit/mutation';
import { codeReached } from '../access/scope';
import type { Context } from '../kernel/context';
import { levelOfCode } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { ImportRowErrorCode } from '../elderly/elderly-kinds';
import { readCsv, type ColumnSpec } from '../elderly/person-csv';
import type { ImportRowError } from '../elderly/person.types';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { populationRepository, type PopulationRecord } from './population.repository';
import { checkFigures } from './population.service';
import type { PopulationImport } from './population.types';

// A population CSV: one node's figures for one year a row, read by the people import's CSV reader.

type PopulationColumn = 'code' | 'year' | 'aged60Plus' | 'aged80Plus' | 'source';

export const POPULATION_COLUMNS: readonly ColumnSpec<PopulationColumn>[] = [
  { name: 'code', aliases: ['区划代码', '代码'], required: true, code: ImportRowErrorCode.BAD_CODE },
  { name: 'year', aliases: ['年份'], required: true, code: ImportRowErrorCode.BAD_VALUE },
  { name: 'aged60Plus', aliases: ['60岁以上人数', '60周岁以上人数'], required: true, code: ImportRowErrorCode.BAD_VALUE },
  { name: 'aged80Plus', aliases: ['80岁以上人数', '80周岁以上人数'], required: true, code: ImportRowErrorCode.BAD_VALUE },
  { name: 'source', aliases: ['来源', '数据来源'], required: true, code: ImportRowErrorCode.BAD_TEXT },
];

const CODE_OF = new Map(POPULATION_COLUMNS.map((column) => [column.name, column.code]));

// A whole number as a spreadsheet writes it (digits, maybe thousands separators).
const WHOLE = /^\d{1,3}(,\d{3})+$|^\d+$/;
const number = (cell: string | undefined) => (WHOLE.test((cell ?? '').trim()) ? Number((cell ?? '').trim().replace(/,/g, '')) : NaN);

interface Checked {
  line: number;
  code: string;
  record: Omit<PopulationRecord, 'nodeId'> | null;
}

export const populationImportService = {
  /**
   * Records the figures of a CSV file (code, year, aged60Plus, aged80Plus, source), each row checked as
   * recordElderlyPopulation checks its arguments, in one transaction and a fixed number of statements
   * however long the file. A bad row, or one naming a node outside the caller's subtree, is refused as
   * a row: the good rows are recorded, and every refused row reported with its line, column and code.
   */
  async import(ctx: Context, csv: string): Promise<PopulationImport> {
    return mutation(ctx, { action: 'population.import', capability: Capability.RECORD_POPULATION }, async ({ tx, ctx: inside, grant, target, detail }) => {
      target('ElderlyPopulation', []);
      const rows = readCsv(csv, POPULATION_COLUMNS);
      const errors: ImportRowError[] = [];
      const refuse = (line: number, field: PopulationColumn | null, code: ImportRowErrorCode, message: string) => errors.push({ line, field, code, message });

      const checked: Checked[] = rows.map(({ line, cells, extraFields }) => {
        if (extraFields > 0) refuse(line, null, ImportRowErrorCode.BAD_ROW, 'has more fields than the header has columns (an unquoted comma?)');
        const code = (cells.code ?? '').trim();
        if (levelOfCode(code) === null) refuse(line, 'code', ImportRowErrorCode.BAD_CODE, 'must be a division code of 2, 4, 6, 9 or 12 digits');
        // Judged on the code alone, before any lookup: the answer never says whether a node outside exists.
        else if (!codeReached(grant!.actor, code)) refuse(line, 'code', ImportRowErrorCode.OUT_OF_SCOPE, 'the jurisdiction is outside yours');
        try {
          const record = checkFigures(number(cells.year), number(cells.aged60Plus), number(cells.aged80Plus), cells.source ?? '');
          return { line, code, record };
        } catch (error) {
          if (!(error instanceof BadUserInputError)) throw error;
          const field = error.field as PopulationColumn;
          refuse(line, field, CODE_OF.get(field)!, error.problem);
          return { line, code, record: null };
        }
      });

      const badLines = new Set(errors.map((error) => error.line));
      const usable = checked.filter(({ line }) => !badLines.has(line));
      const nodes = await jurisdictionService.byCodesAnywhere(inside, [...new Set(usable.map((row) => row.code))]);
      const firstLine = new Map<string, number>();
      for (const { line, code, record } of usable) {
        const key = `${code}|${record!.year}`;
        if (!nodes.has(code)) refuse(line, 'code', ImportRowErrorCode.BAD_CODE, `names no jurisdiction: ${code}`);
        else if (firstLine.has(key)) refuse(line, 'code', ImportRowErrorCode.DUPLICATE_IN_FILE, `${code} for ${record!.year} is on line ${firstLine.get(key)} too`);
        else firstLine.set(key, line);
      }

      const refused = new Set(errors.map((error) => error.line));
      const good = usable.filter(({ line }) => !refused.has(line)).map(({ code, record }) => ({ nodeId: nodes.get(code)!.id, ...record! }));
      const recorded = await populationRepository.record(tx, good, grant!.actor.userId);
      target('ElderlyPopulation', recorded.map((row) => row.id));
      errors.sort((a, b) => a.line - b.line);
      detail({ rows: rows.length, recorded: recorded.length, rejectedRows: refused.size, superseded: recorded.filter((row) => row.supersedes).length });
      return { rows: rows.length, recorded: recorded.length, rejectedRows: refused.size, rejected: errors };
    });
  },
};
