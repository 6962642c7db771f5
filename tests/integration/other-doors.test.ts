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
