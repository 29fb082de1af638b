// Brute-force protection seen from outside: after too many wrong passwords from one
// address the PBX stops answering REGISTER from it, while other addresses still register.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSipp, scenario } from '../src/sipp.ts';
import { startPbx, type HilPbx } from '../src/pbx.ts';

const EXT = { number: '1001', secret: 'right-secret-1001' };
let pbx: HilPbx;

before(async () => {
  pbx = await startPbx({ extensions: [EXT], authFailureLimit: 3, banSec: 60 });
});
after(async () => {
  await pbx?.stop();
});

test('after authFailureLimit wrong passwords an address gets no 200, while another address still registers', async () => {
  const base = { scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: EXT.number, vars: { contact_port: 5097, expires: 300 } };
  for (let i = 0; i < 4; i++) {
    await runSipp({ ...base, scenarioFile: scenario('register-refused'), auth: { username: EXT.number, password: 'wrong' }, timeoutSec: 3, allowFailure: true });
  }
  const banned = await runSipp({ ...base, auth: { username: EXT.number, password: EXT.secret }, timeoutSec: 3, allowFailure: true });
  assert.equal(banned.stats.successful, 0, 'the banned address must not register, even with the right password');
  const other = await runSipp({ ...base, localIp: '127.0.0.2', auth: { username: EXT.number, password: EXT.secret }, timeoutSec: 5 });
  assert.equal(other.stats.successful, 1);
});
