import type { Context } from '../kernel/context';
import { JurisdictionLevel } from '../kernel/division-codes';
import { fileNameOf, yuanFigure, type Cell, type Sheet } from '../desk/desk.exports';
import { settlementRepository } from './settlement.repository';
import { settlementService } from './settlement.service';
import { SettlementState } from './settlement.types';

// A settlement statement as finance and the towns read it in a spreadsheet (docs/exports.md): one line per
// village with its orders, price, vouchers and own payments and what each funding level pays of it, then
// the totals, which foot: each column's total is the sum of its lines and the statement's own figure.

const LEVEL_NAMES: Record<JurisdictionLevel, string> = { PROVINCE: '省级承担', CITY: '市级承担', COUNTY: '县级承担', TOWN: '镇级承担', VILLAGE: '村级承担' };
const STATE_NAMES: Record<SettlementState, string> = { DRAFT: '草稿（待镇核实、区审核）', REVIEWED: '已审核（待财政核准）', APPROVED: '已核准' };

/** The statement the caller may read, as a sheet; its villages narrowed to the caller's subtree as the API narrows them. */
export async function settlementSheet(ctx: Context, id: string): Promise<Sheet> {
  const statement = await settlementService.statement(ctx, id);
  const [villages, shares] = await Promise.all([
    settlementRepository.villageTotals(ctx.db, statement.id, statement.within),
    settlementRepository.villageShares(ctx.db, statement.id, statement.within),
  ]);
  const levels = Object.values(JurisdictionLevel).filter((level) => shares.some((s) => s.level === level));
  const paid = (village: string, level: JurisdictionLevel) => shares.filter((s) => s.villageCode === village && s.level === level).reduce((sum, s) => sum + Number(s.amountFen), 0);
  const rows: Cell[][] = villages.map((v) => [v.code, v.name, v.orders, yuanFigure(v.priceFen), yuanFigure(v.voucherFen), yuanFigure(v.ownFen), ...levels.map((level) => yuanFigure(paid(v.code, level)))]);
  const sum = (pick: (v: (typeof villages)[number]) => number) => villages.reduce((total, v) => total + pick(v), 0);
  rows.push([
    '合计',
    null,
    sum((v) => v.orders),
    yuanFigure(sum((v) => v.priceFen)),
    yuanFigure(sum((v) => v.voucherFen)),
    yuanFigure(sum((v) => v.ownFen)),
    ...levels.map((level) => yuanFigure(shares.filter((s) => s.level === level).reduce((total, s) => total + Number(s.amountFen), 0))),
  ]);
  const title = `${statement.provider}服务结算单`;
  const whole = statement.within === '' || statement.code.startsWith(statement.within);
  return {
    title,
    fileName: fileNameOf(statement.provider, '服务结算单', statement.month),
    asciiFileName: `settlement-${statement.id}-${statement.month}`,
    preamble: [
      `${title}（${statement.month}）`,
      `服务商：${statement.provider}（统一社会信用代码 ${statement.providerCode}）；合同 ${statement.contractId}；购买方区划代码 ${statement.code}`,
      `状态：${STATE_NAMES[statement.state]}；订单 ${statement.orders} 单；服务金额 ${yuanFigure(statement.priceFen).text} 元，其中代金券支付 ${yuanFigure(statement.voucherFen).text} 元、个人支付 ${yuanFigure(statement.ownFen).text} 元`,
      `各级承担：${statement.funders.map((f) => `${f.name}（${f.code}）${yuanFigure(f.amountFen).text} 元`).join('；') || '无'}`,
      whole ? '下表为全部村（社区）。' : `下表为本级（${statement.within}）所辖村（社区）；上列合计为全单。`,
    ],
    header: ['区划代码', '名称', '订单数', '服务金额（元）', '代金券支付（元）', '个人支付（元）', ...levels.map((level) => `${LEVEL_NAMES[level]}（元）`)],
    rows,
    orientation: 'landscape',
  };
}
