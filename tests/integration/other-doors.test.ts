import { beforeAll, describe, expect, it } from 'vitest';
import { FIREWALL_CHECKS, OTHER_DOORS } from '@/lib/requests/doors';
import { firewallSchema, submitFirewall } from '@/lib/requests/submit';
import { getRequestForStaff } from '@/lib/requests/detail';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, firewallForm, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';

// Issue 16 item 5: the firewall request confirms every other door, one required checkbox each,
// stored on the request and shown to staff.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const form = (blockId: string) => firewallForm(blockId);

it('lists the four doors of the issue, and the request confirms each plus default passwords', () => {
  expect(OTHER_DOORS).toEqual(['voicemailDisa', 'callForwarding', 'sipPorts', 'webAdmin']);
  expect(FIREWALL_CHECKS).toEqual([...OTHER_DOORS, 'defaultPasswords']);
});

it.each(FIREWALL_CHECKS)('refuses a request without %s confirmed, naming that box', (key) => {
  const r = firewallSchema.safeParse({ ...form('b1'), [key]: undefined });
  expect(r.success).toBe(false);
  expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([key]);
});

// Review, session 33: a pasted address with a space around it was refused as no address, and an
// address inside the office network (what a PBX's own settings page shows) was taken as its public one.
it('takes the PBX address as pasted, and refuses one inside a network, saying so', () => {
  const pbxIp = (v: unknown) => {
    const r = firewallSchema.safeParse({ ...form('b1'), pbxIp: v });
    return r.success ? r.data.pbxIp : r.error.issues.map((i) => i.message).join();
  };
  for (const [typed, stored] of [
    [' 198.51.100.20 ', '198.51.100.20'],
    ['\t203.0.113.7\n', '203.0.113.7'],
    ['8.8.8.8', '8.8.8.8'],
    ['2001:db8::5', '2001:db8::5'],
    ['2a00:1450:4003:80f::200e', '2a00:1450:4003:80f::200e'],
  ])
    expect(pbxIp(typed)).toBe(stored);
  for (const inside of [
    '192.168.1.10',
    '10.0.0.5',
    '172.16.4.4',
    '100.64.1.1',
    '127.0.0.1',
    '169.254.1.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    'fd00::1',
    'fe80::1',
    '::1',
    '::',
    '::ffff:192.168.1.1',
  ])
    expect(pbxIp(inside), inside).toBe('outcome.field.pbxIpNotPublic');
  for (const bad of ['pbx.example.com', '300.1.1.1', '', '   ', undefined, 42])
    expect(pbxIp(bad), String(bad)).toBe('outcome.field.pbxIp');
});

describe.each(dialects())('firewall checklist on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('stores every confirmation on the request and shows them to staff', async () => {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
    const r = await submitFirewall(asUser(users[0]!), firewallSchema.parse(form(block.id)), meta);
    expect(r).toMatchObject({ ok: true });
    const agent = await makeStaff();
    const view = await getRequestForStaff(agent, (r as { data: { requestId: string } }).data.requestId);
    expect(view?.checklist).toEqual(Object.fromEntries(FIREWALL_CHECKS.map((k) => [k, true])));
  });
});
