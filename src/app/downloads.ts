import type express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { logger } from '../config/logger';
import type { Context } from '../kernel/context';
import { AppError, BadUserInputError, NotFoundError, RETRY_AFTER_SECONDS, ServiceUnavailableError, UnauthenticatedError } from '../kernel/errors';
import { english, inLocale, preferredLocale, text } from '../kernel/messages';
import { clientAddressOf } from '../graphql/client-address';
import { unavailableIfOutage } from '../graphql/unavailable';
import { anomalySheet } from '../anomalies/anomaly.exports';
import { AnomalyKind } from '../anomalies/anomaly.types';
import { publicNoticeSheet } from '../cases/public-notice.exports';
import { boardSheet, contentDisposition, noticeSheet, toCsv, toXlsx, type Sheet } from '../desk/desk.exports';
import { BoardOrder } from '../targets/target.types';
import { settlementSheet } from '../ledger/settlement.exports';
import { answersIn, requestContext, requestIdOf } from './request-context';

// Downloads for offices that work in spreadsheets or print and post: the same services, token checks
// and refusals (as JSON, with their code and HTTP status) as the API (docs/exports.md).

const DOWNLOAD_STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, LIMIT_EXCEEDED: 400, SERVICE_UNAVAILABLE: 503 };
const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Answers a download as CSV or XLSX, or a refusal as JSON with its code, as the API would. */
export async function download(dataSource: DataSource, trustedProxies: readonly string[], req: express.Request, res: express.Response, format: string | undefined, sheetOf: (ctx: Context) => Promise<Sheet>) {
  res.locals.requestId = requestIdOf(req.headers['x-request-id']);
  res.setHeader('x-request-id', res.locals.requestId as string);
  const locale = preferredLocale(req.headers['accept-language']);
  try {
    if (format === undefined) throw new NotFoundError(text('THIS_DOWNLOAD'));
    const ctx = await requestContext(dataSource, req.header('authorization'), res.locals.requestId as string, clientAddressOf(req, trustedProxies), locale);
    if (!ctx.actor) throw new UnauthenticatedError();
    const sheet = await sheetOf(ctx);
    const body = format === 'csv' ? toCsv(sheet) : await toXlsx(sheet);
    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', contentDisposition(sheet, format));
    res.setHeader('cache-control', 'no-store');
    res.send(body);
    logger().info({ requestId: res.locals.requestId, user: ctx.actor.username, path: req.path }, 'download');
  } catch (caught) {
    const error = unavailableIfOutage(caught);
    const code = error instanceof AppError ? (error.extensions.code as string) : 'INTERNAL_SERVER_ERROR';
    if (!(error instanceof AppError)) logger().error({ err: error, requestId: res.locals.requestId, path: req.path }, 'download failed');
    const message = error instanceof AppError ? error.message : english(text('INTERNAL'));
    const extra = error instanceof BadUserInputError ? { field: error.field } : error instanceof ServiceUnavailableError ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {};
    if (error instanceof ServiceUnavailableError) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    answersIn(res, locale);
    const said = error instanceof AppError ? error.text : text('INTERNAL');
    const refusal = inLocale({ message, extensions: { code, ...extra } }, said, locale);
    res.status(DOWNLOAD_STATUS[code] ?? 500).json({ errors: [refusal] });
  }
}

/** Downloads of a board, a notice or a village's public notice (公示), for offices that work in spreadsheets: the same services and checks as the API. */
export function exportRoutes(app: express.Express, dataSource: DataSource, cfg: Config): void {
  app.get('/exports/targets/:id/:file', (req, res) => {
    const format = /^board\.(csv|xlsx)$/.exec(req.params.file)?.[1];
    const order = typeof req.query.order === 'string' ? req.query.order : null;
    const asOf = typeof req.query.asOf === 'string' ? req.query.asOf : null;
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => {
      if (order !== null && !(Object.values(BoardOrder) as string[]).includes(order)) throw new BadUserInputError('order', `must be one of ${Object.values(BoardOrder).join(', ')}`);
      return boardSheet(ctx, req.params.id, asOf, order as BoardOrder | null);
    });
  });
  app.get('/exports/notices/:file', (req, res) => {
    const [, id, format] = /^(\d{1,10})\.(csv|xlsx)$/.exec(req.params.file) ?? [];
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => noticeSheet(ctx, id));
  });
  app.get('/exports/public-notices/:file', (req, res) => {
    const [, code, format] = /^([^.]{1,20})\.(csv|xlsx)$/.exec(req.params.file) ?? [];
    const on = typeof req.query.on === 'string' ? req.query.on : null;
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => publicNoticeSheet(ctx, code, on));
  });
  app.get('/exports/settlements/:file', (req, res) => {
    const [, id, format] = /^(\d{1,10})\.(csv|xlsx)$/.exec(req.params.file) ?? [];
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => settlementSheet(ctx, id));
  });
  app.get('/exports/anomalies/:file', (req, res) => {
    const [, code, format] = /^([^.]{1,20})\.(csv|xlsx)$/.exec(req.params.file) ?? [];
    const param = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : null);
    const whole = (name: string) => {
      const value = param(name);
      if (value === null) return null;
      if (!/^\d{1,10}$/.test(value)) throw new BadUserInputError(name, 'must be a whole number');
      return Number(value);
    };
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => {
      const kind = param('kind');
      if (kind === null || !(Object.values(AnomalyKind) as string[]).includes(kind)) throw new BadUserInputError('kind', `must be one of ${Object.values(AnomalyKind).join(', ')}`);
      for (const day of ['from', 'to']) if (param(day) === null) throw new BadUserInputError(day, 'is required (YYYY-MM-DD)');
      const query = { at: code, kind: kind as AnomalyKind, from: param('from')!, to: param('to')!, maxSpeedKmh: whole('maxSpeedKmh'), months: whole('months'), multipleFen: whole('multipleFen') };
      return anomalySheet(ctx, query);
    });
  });
}
