import { customerProblems, CUSTOMER_SERVICES, MAX_CUSTOMER_PHONES, type Customer, type CustomerInput, type CustomerService } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { withRequestBody } from '../body.ts';
import { csvStream } from '../csv.ts';
import { CsvHeaderError } from '../customer-csv.ts';
import { callerForms, mergeHistory } from '../customer-history.ts';
import { ApiError } from '../errors.ts';
import { CUSTOMER_READERS, CUSTOMER_WRITERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { paging } from '../schemas.ts';
import type { MgmtServices } from '../services.ts';

/** Largest customer file accepted (about a million customers). */
const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** Earlier calls shown with a screen pop. */
const HISTORY_CALLS = 20;

const accountPattern = '^[0-9A-Za-z-]{1,32}$';
const accountParams = { type: 'object', required: ['account'], properties: { account: { type: 'string', pattern: accountPattern } } } as const;
const customerFields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  phones: { type: 'array', maxItems: MAX_CUSTOMER_PHONES, items: { type: 'string', minLength: 1, maxLength: 32 } },
  address: { type: 'string', maxLength: 200 },
  service: { type: 'string', enum: CUSTOMER_SERVICES },
  notes: { type: 'string', maxLength: 2000 },
} as const;
const customerSchema = {
  type: 'object',
  required: ['account', 'name', 'phones', 'address', 'service', 'notes', 'createdAt', 'updatedAt'],
  properties: { account: { type: 'string' }, ...customerFields, createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
};
const noteSchema = { type: 'object', required: ['id', 'at', 'author', 'text'], properties: { id: { type: 'integer' }, account: { type: 'string' }, at: { type: 'string' }, author: { type: 'string' }, callId: { type: ['string', 'null'] }, text: { type: 'string' } } };
const progressSchema = {
  type: 'object', required: ['id', 'state', 'bytesDone', 'bytesTotal', 'lines', 'created', 'updated', 'rejected'],
  properties: {
    id: { type: 'string' }, state: { type: 'string', enum: ['running', 'done', 'failed'] }, startedAt: { type: 'string' }, finishedAt: { type: 'string' },
    bytesDone: { type: 'integer' }, bytesTotal: { type: 'integer' }, lines: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, rejected: { type: 'integer' }, error: { type: 'string' },
  },
};
const lineErrorSchema = { type: 'object', required: ['line', 'message', 'messageZh', 'raw'], properties: { line: { type: 'integer' }, message: { type: 'string' }, messageZh: { type: 'string' }, raw: { type: 'string' } } };

type CustomerBody = Omit<CustomerInput, 'account'>;

const iso = (t: number) => new Date(t).toISOString();
/** A customer as the API shows it (ISO times). */
const view = (c: Customer) => ({ ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) });

/** The store's rules (beyond the schema) as a 400 with one detail per broken rule. */
function checked(c: CustomerInput): CustomerInput {
  const problems = customerProblems(c);
  if (problems.length > 0) throw new ApiError('VALIDATION', problems.map((p) => p.message).join('; '), { messageZh: problems.map((p) => p.messageZh).join('；'), details: problems.map((p) => ({ path: `/${p.field}`, message: p.message })) });
  return c;
}

function notFound(account: string): ApiError {
  return new ApiError('NOT_FOUND', `no customer with account ${account}`, { messageZh: `没有户号为 ${account} 的客户` });
}

/** The customer's record, history and notes for a screen pop: by account when keyed in the IVR, else by the caller's number. */
function lookup(svc: MgmtServices, number: string | undefined, account: string | undefined) {
  const byAccount = account ? svc.customers.get(account) : undefined;
  const byPhone = number ? svc.customers.byPhone(number) : [];
  const customers = [...(byAccount ? [byAccount] : []), ...byPhone.filter((c) => c.account !== byAccount?.account)];
  const callers = callerForms(number, customers);
  const first = customers[0];
  const cdr = svc.cdr.byCallers(callers, HISTORY_CALLS);
  const queue = svc.queueCalls.forCaller(callers, account ?? first?.account, HISTORY_CALLS * 2);
  return {
    customers: customers.map(view),
    history: mergeHistory(cdr, queue, HISTORY_CALLS),
    notes: first ? svc.customers.notes(first.account).map((n) => ({ ...n, at: iso(n.at) })) : [],
  };
}

/** `/customers`: the customer table (issue 6) — search, create/edit, CSV import, and the screen pop's lookup. */
export const customerRoutes: AnyRoute[] = [
  route<{ q?: string; service?: CustomerService; offset: number; limit: number }>({
    method: 'GET',
    path: '/customers',
    access: CUSTOMER_READERS,
    summary: 'Search customers: q matches the account (prefix), the name (part) or a phone number (prefix); by account',
    tag: 'customers',
    query: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 100 }, service: { type: 'string', enum: CUSTOMER_SERVICES }, ...paging } },
    response: { status: 200, schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: customerSchema }, total: { type: 'integer' } } } },
    handler({ svc, query }) {
      const r = svc.customers.search(query);
      return { items: r.items.map(view), total: r.total };
    },
  }),
  route<{ number?: string; account?: string }>({
    method: 'GET',
    path: '/customers/lookup',
    access: CUSTOMER_READERS,
    summary: 'Screen pop: the customers with this account (IVR digits) or phone number, their earlier calls (call records and queue calls, newest first) and the first one\'s notes',
    tag: 'customers',
    query: { type: 'object', additionalProperties: false, properties: { number: { type: 'string', pattern: '^\\+?[0-9*#]{1,32}$' }, account: { type: 'string', pattern: accountPattern } } },
    response: { status: 200, schema: { type: 'object', required: ['customers', 'history', 'notes'], properties: { customers: { type: 'array', items: customerSchema }, history: { type: 'array', items: { type: 'object' } }, notes: { type: 'array', items: noteSchema } } } },
    handler({ svc, query }) {
      if (!query.number && !query.account) throw new ApiError('VALIDATION', 'give the caller\'s number or the account', { details: [{ path: '/query/number', message: 'number or account is required' }] });
      return lookup(svc, query.number, query.account);
    },
  }),
  route({
    method: 'POST',
    path: '/customers/import',
    access: CUSTOMER_WRITERS,
    summary: 'Import customers from a UTF-8 CSV body (text/csv; header account,name,phones,address,service,notes or 户号,姓名,电话,地址,业务类型,备注): good lines are created or updated by account, every other line is reported with its number and reason; progress at GET /customers/import/progress',
    tag: 'customers',
    response: { status: 200, schema: { type: 'object', required: ['progress', 'errors', 'errorsTruncated'], properties: { progress: progressSchema, errors: { type: 'array', items: lineErrorSchema }, errorsTruncated: { type: 'boolean' } } } },
    async handler({ ctx, svc, user }) {
      if (!/^(text\/csv|text\/plain|application\/octet-stream)\b/i.test(ctx.get('content-type'))) throw new ApiError('VALIDATION', 'send the file as text/csv', { details: [{ path: '', message: 'must be text/csv' }] });
      if (svc.customerImport.running) throw new ApiError('CONFLICT', 'another customer import is running', { messageZh: '另一个客户导入正在进行' });
      const total = Number(ctx.get('content-length')) || 0;
      if (total > MAX_IMPORT_BYTES) throw new ApiError('VALIDATION', `the file is larger than ${MAX_IMPORT_BYTES} bytes`, { details: [{ path: '', message: 'too large' }] });
      try {
        const progress = await withRequestBody(ctx, (chunks) => svc.customerImport.run(limited(chunks, MAX_IMPORT_BYTES), total));
        audit(svc, ctx, user, { action: 'customer.imported', target: 'customers', outcome: 'ok', after: { lines: progress.lines, created: progress.created, updated: progress.updated, rejected: progress.rejected } });
        const errors = svc.customerImport.errors;
        return { progress, errors: errors.slice(0, 200), errorsTruncated: errors.length > 200 || progress.rejected > errors.length };
      } catch (err) {
        const p = svc.customerImport.progress;
        audit(svc, ctx, user, { action: 'customer.imported', target: 'customers', outcome: 'failed', after: { error: (err as Error).message, created: p?.created, updated: p?.updated } });
        if (err instanceof CsvHeaderError) throw new ApiError('VALIDATION', err.message, { details: [{ path: '/line/1', message: err.message }], messageZh: `表头（第一行）不正确：需要 户号、姓名、业务类型 列。${err.message}` });
        throw err;
      }
    },
  }),
  route({
    method: 'GET',
    path: '/customers/import/progress',
    access: CUSTOMER_WRITERS,
    summary: 'Progress of the running (or last) customer import: bytes read of the total, lines, created, updated, rejected',
    tag: 'customers',
    response: { status: 200, schema: { type: 'object', required: ['progress'], properties: { progress: { anyOf: [progressSchema, { type: 'null' }] } } } },
    handler: ({ svc }) => ({ progress: svc.customerImport.progress }),
  }),
  route({
    method: 'GET',
    path: '/customers/import/errors.csv',
    access: CUSTOMER_WRITERS,
    summary: 'Every rejected line of the last import (line number, reason in English and Chinese, the line as sent) as CSV, to fix and import again',
    tag: 'customers',
    response: { status: 200, contentType: 'text/csv', schema: { type: 'string' } },
    handler({ ctx, svc }) {
      ctx.set('Content-Disposition', 'attachment; filename="customer-import-errors.csv"');
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = csvStream(['line', 'error', 'error_zh', 'content'], [[...svc.customerImport.errors]], (e) => [e.line, e.message, e.messageZh, e.raw]);
      return undefined;
    },
  }),
  route({
    method: 'GET',
    path: '/customers/:account',
    access: CUSTOMER_READERS,
    summary: 'One customer with its notes (newest first)',
    tag: 'customers',
    params: accountParams,
    response: { status: 200, schema: { type: 'object', required: ['customer', 'notes'], properties: { customer: customerSchema, notes: { type: 'array', items: noteSchema } } } },
    handler({ svc, params }) {
      const c = svc.customers.get(params.account!);
      if (!c) throw notFound(params.account!);
      return { customer: view(c), notes: svc.customers.notes(c.account).map((n) => ({ ...n, at: iso(n.at) })) };
    },
  }),
  route<Record<string, never>, Pick<CustomerInput, 'account' | 'name' | 'service'> & Partial<CustomerBody>>({
    method: 'POST',
    path: '/customers',
    access: CUSTOMER_WRITERS,
    summary: 'Add a customer (409 when the account exists)',
    tag: 'customers',
    body: { type: 'object', additionalProperties: false, required: ['account', 'name', 'service'], properties: { account: { type: 'string', pattern: accountPattern }, ...customerFields } },
    response: { status: 201, schema: customerSchema },
    handler({ ctx, svc, user, body }) {
      const c = checked({ phones: [], address: '', notes: '', ...body });
      if (svc.customers.get(c.account)) throw new ApiError('CONFLICT', `a customer with account ${c.account} exists`, { messageZh: `户号 ${c.account} 已存在` });
      svc.customers.upsert(c, svc.deps.now());
      audit(svc, ctx, user, { action: 'customer.created', target: c.account, outcome: 'ok', after: c });
      return view(svc.customers.get(c.account)!);
    },
  }),
  route<Record<string, never>, Partial<CustomerBody>>({
    method: 'PUT',
    path: '/customers/:account',
    access: CUSTOMER_WRITERS,
    summary: 'Change a customer (omitted fields stay)',
    tag: 'customers',
    params: accountParams,
    body: { type: 'object', additionalProperties: false, properties: customerFields },
    response: { status: 200, schema: customerSchema },
    handler({ ctx, svc, user, params, body }) {
      const before = svc.customers.get(params.account!);
      if (!before) throw notFound(params.account!);
      const { createdAt: _c, updatedAt: _u, ...old } = before;
      const c = checked({ ...old, ...body });
      svc.customers.upsert(c, svc.deps.now());
      audit(svc, ctx, user, { action: 'customer.updated', target: c.account, outcome: 'ok', before: old, after: c });
      return view(svc.customers.get(c.account)!);
    },
  }),
  route({
    method: 'DELETE',
    path: '/customers/:account',
    access: CUSTOMER_WRITERS,
    summary: 'Delete a customer with its phones and notes',
    tag: 'customers',
    params: accountParams,
    response: { status: 204 },
    handler({ ctx, svc, user, params }) {
      const before = svc.customers.get(params.account!);
      if (!before || !svc.customers.remove(params.account!)) throw notFound(params.account!);
      audit(svc, ctx, user, { action: 'customer.deleted', target: params.account!, outcome: 'ok', before });
      return undefined;
    },
  }),
  route<Record<string, never>, { text: string; callId?: string }>({
    method: 'POST',
    path: '/customers/:account/notes',
    access: CUSTOMER_READERS,
    summary: 'Add a note to a customer (an agent during or after a call; the author is the signed-in user)',
    tag: 'customers',
    params: accountParams,
    body: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' }, callId: { type: 'string', maxLength: 200 } } },
    response: { status: 201, schema: noteSchema },
    handler({ svc, user, params, body }) {
      const n = svc.customers.addNote(params.account!, { at: svc.deps.now(), author: user!.username, text: body.text.trim(), ...(body.callId ? { callId: body.callId } : {}) });
      if (!n) throw notFound(params.account!);
      return { ...n, at: iso(n.at) };
    },
  }),
];

/** Passes chunks on until more than `max` bytes came (a body without Content-Length can still be too large). */
async function* limited(chunks: AsyncIterable<Buffer>, max: number): AsyncIterable<Buffer> {
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) throw new ApiError('VALIDATION', `the file is larger than ${max} bytes`, { details: [{ path: '', message: 'too large' }] });
    yield c;
  }
}
