// The customer CSV import against a fixed file (appliance/test/fixtures/customers-import.csv):
// UTF-8 with BOM and CRLF, a Chinese header, Chinese names, a quoted field with a comma, doubled
// quotes and a line break, a blank line, and six bad lines (unknown service, empty name, wrong
// field count, a non-number phone, a repeated account, a GBK-encoded line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomerStore, openRecords } from '../../src/records/index.ts';
import { CustomerCsvParser, CsvHeaderError, splitRecord } from '../../src/mgmt/customer-csv.ts';
import { CustomerImporter } from '../../src/mgmt/customer-import.ts';
import { call, login, seedUser, startHarness } from './harness.ts';

const FIXTURE = readFileSync(join(import.meta.dirname, '../fixtures/customers-import.csv'));
const EXPECTED_ERRORS = [
  { line: 7, message: /service "暖气" is not water\/power\/gas/ },
  { line: 8, message: /name must be 1 to 100 characters/ },
  { line: 9, message: /has 5 fields; the header has 6/ },
  { line: 10, message: /"abc-def" is not a phone number/ },
  { line: 11, message: /account 100001 already appears on line 2/ },
  { line: 12, message: /not UTF-8/ },
];

/** The file in pieces of `size` bytes, so multi-byte characters and CRLFs are split across chunks. */
async function* chunks(buf: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

test('splitRecord follows RFC 4180: quoted commas, doubled quotes, an open quote asks for more', () => {
  assert.deepEqual(splitRecord('a,"b, c","say ""hi""",'), ['a', 'b, c', 'say "hi"', '']);
  assert.equal(splitRecord('a,"open'), undefined);
  assert.deepEqual(splitRecord('a,"line1\nline2",b'), ['a', 'line1\nline2', 'b']);
});

test('imports the good lines of the fixed file and reports each bad line with its number, read in 7-byte pieces', async () => {
  const db = openRecords(':memory:');
  const store = new CustomerStore(db);
  const importer = new CustomerImporter(store, () => Date.parse('2026-01-05T02:00:00Z'));
  const p = await importer.run(chunks(FIXTURE, 7), FIXTURE.length);
  assert.equal(p.state, 'done');
  assert.equal(p.bytesDone, FIXTURE.length);
  assert.equal(p.lines, 13);
  assert.equal(p.created, 4);
  assert.equal(p.updated, 0);
  assert.equal(p.rejected, 6);
  assert.equal(importer.errors.length, 6);
  for (const [i, e] of EXPECTED_ERRORS.entries()) {
    assert.equal(importer.errors[i]!.line, e.line);
    assert.match(importer.errors[i]!.message, e.message);
  }
  assert.match(importer.errors[3]!.raw, /100007,刘洋,abc-def/, 'the rejected line is kept as sent');
  assert.deepEqual(importer.errors.map((e) => e.messageZh), ['业务类型“暖气”不是 水/电/气', '姓名须为 1 到 100 个字符', '有 5 个字段，表头有 6 个', '“abc-def”不是电话号码', '户号 100001 已在本文件第 2 行出现', '不是 UTF-8 编码（请另存为“CSV UTF-8”）'], 'every reason in Chinese too');
  // Nothing lost: every data line is either a customer or an error.
  assert.equal(store.count() + p.rejected, 10);
  assert.deepEqual(store.get('100001'), { account: '100001', name: '张伟', phones: ['13812345678'], address: '北京市朝阳区建国路1号', service: 'power', notes: '', createdAt: Date.parse('2026-01-05T02:00:00Z'), updatedAt: Date.parse('2026-01-05T02:00:00Z') });
  assert.deepEqual(store.get('100002')!.phones, ['01065521234', '13900001111'], 'phones normalised: separators and +86 dropped');
  const wang = store.get('100003')!;
  assert.equal(wang.name, '王, 芳');
  assert.equal(wang.address, '广州市天河区\n体育西路5号');
  assert.equal(wang.service, 'gas');
  assert.equal(wang.notes, '说 "VIP"');
  assert.equal(store.get('100009')!.notes, '最后一行', 'the last line without a line break is read');
  assert.equal(store.byPhone('+86 139-0000-1111')[0]!.account, '100002');
  assert.equal(store.byPhone('013812345678')[0]!.account, '100001', 'a mobile with the long-distance 0 is found');
  db.close();
});

test('a second import updates customers by account, and a bad header imports nothing', async () => {
  const db = openRecords(':memory:');
  const store = new CustomerStore(db);
  const importer = new CustomerImporter(store, () => 1000);
  await importer.run(chunks(FIXTURE, 4096), 0);
  const again = await importer.run(chunks(Buffer.from('account,name,phones,service\n100001,张伟,13812345678;13811112222,power\n200001,New One,,water\n'), 10), 0);
  assert.deepEqual({ created: again.created, updated: again.updated, rejected: again.rejected }, { created: 1, updated: 1, rejected: 0 });
  assert.deepEqual(store.get('100001')!.phones, ['13812345678', '13811112222']);
  await assert.rejects(importer.run(chunks(Buffer.from('name,phone\n张伟,138\n'), 100), 0), (e: unknown) => e instanceof CsvHeaderError && /lacks the columns account, service/.test((e as Error).message));
  assert.equal(importer.progress!.state, 'failed');
  assert.equal(store.count(), 5);
  assert.throws(() => new CustomerCsvParser().end(), CsvHeaderError, 'an empty file says so');
  db.close();
});

test('POST /customers/import over HTTP: per-line errors in the answer, all of them in errors.csv, progress, roles', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'sup', 'supervisor');
  await seedUser(h, 'agent1', 'agent');
  const sup = await login(h, 'sup');
  const agent = await login(h, 'agent1');
  const post = (client: typeof sup, body: Buffer | string, type = 'text/csv') => fetch(`${h.base}/api/v1/customers/import`, { method: 'POST', headers: { cookie: client.cookie, 'x-csrf-token': client.csrf, 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  assert.equal((await post(agent, FIXTURE)).status, 403, 'agents do not import');
  const wrongType = await post(sup, '{}', 'application/json');
  assert.equal(wrongType.status, 400);
  const res = await post(sup, FIXTURE);
  assert.equal(res.status, 200);
  const out = await res.json() as any;
  assert.deepEqual({ created: out.progress.created, rejected: out.progress.rejected, bytesDone: out.progress.bytesDone, bytesTotal: out.progress.bytesTotal }, { created: 4, rejected: 6, bytesDone: FIXTURE.length, bytesTotal: FIXTURE.length });
  assert.deepEqual(out.errors.map((e: any) => e.line), [7, 8, 9, 10, 11, 12]);
  assert.equal(out.errorsTruncated, false);
  const progress = await call(h, 'GET', '/api/v1/customers/import/progress', { client: sup });
  assert.equal(progress.json.progress.state, 'done');
  const csv = await call(h, 'GET', '/api/v1/customers/import/errors.csv', { client: sup });
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'line,error,error_zh,content');
  assert.equal(lines.length, 7);
  assert.equal(lines[1], '7,"service ""暖气"" is not water/power/gas (水/电/气)",业务类型“暖气”不是 水/电/气,"100004,赵强,13700001111,深圳市,暖气,"');
  const header = await post(sup, 'foo,bar\n1,2\n');
  assert.equal(header.status, 400);
  const body = await header.json() as any;
  assert.match(body.error.message, /lacks the columns account, name, service/);
  assert.match(body.error.messageZh, /户号/);
  const found = await call(h, 'GET', `/api/v1/customers?q=${encodeURIComponent('王')}`, { client: agent });
  assert.deepEqual(found.json.items.map((c: any) => c.account), ['100003']);
  const audit = h.services.auditLog.search({ action: 'customer.imported' });
  assert.equal(audit.items.length, 2);
});
