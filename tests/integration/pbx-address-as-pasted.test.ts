import { beforeAll, describe, expect, it } from 'vitest';
import { firewallSchema, submitFirewall } from '@/lib/requests/submit';
import { getRequestForStaff } from '@/lib/requests/detail';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, firewallForm, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';

// A tester (session of the Spanish pages): the firewall form's PBX address refused
// "１９８.５１.１００.２０" (full-width digits) and "198.51.100.20:5060" (pasted with its SIP port)
// with only "Enter your PBX's public IP address…", where the same form's phone fields read digits in
// any script. The address is read as people paste it; a port is left out, so that what is stored
// reads as the block's calls' source IPs do (lib/server/client-address.ts normalizeIp).

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** The stored address, or the refusal's catalogue keys. */
const pbxIp = (v: unknown) => {
  const r = firewallSchema.safeParse({ ...firewallForm('b1'), pbxIp: v });
  return r.success ? r.data.pbxIp : r.error.issues.map((i) => i.message).join();
};

describe('the PBX address, as pasted', () => {
  it.each([
    ['full-width digits', '１９８.５１.１００.２０', '198.51.100.20'],
    ['full-width digits and dots (an IME in full-width mode)', '１９８．５１．１００．２０', '198.51.100.20'],
    ['Arabic-Indic digits', '١٩٨.٥١.١٠٠.٢٠', '198.51.100.20'],
    ['Devanagari digits', '१९८.५१.१००.२०', '198.51.100.20'],
    ['its SIP port', '198.51.100.20:5060', '198.51.100.20'],
    ['its TLS port, white space around', '  198.51.100.20:5061\n', '198.51.100.20'],
    ['full-width digits and a port', '１９８.５１.１００.２０:５０６０', '198.51.100.20'],
    ['a bracketed IPv6 address with its port', '[2001:db8::1]:5060', '2001:db8::1'],
    ['a bracketed IPv6 address alone', '[2001:db8::1]', '2001:db8::1'],
    ['IPv6 in capitals and long form', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['a SIP URI, as a PBX log writes its peer', 'sip:198.51.100.20:5060', '198.51.100.20'],
    ['no-break and narrow spaces around it', '\u00a0198.51.100.20\u202f', '198.51.100.20'],
    ['a left-to-right mark from a copied page', '\u200e198.51.100.20\u200e', '198.51.100.20'],
    ['as it always was', '198.51.100.20', '198.51.100.20'],
  ])('reads %s', (_, typed, stored) => {
    expect(pbxIp(typed)).toBe(stored);
  });

  it('still refuses an address inside a network when it comes with a port or other digits', () => {
    for (const inside of [
      '192.168.1.10:5060',
      '１９２.１６８.１.１０',
      '[fe80::1]:5060',
      '[::ffff:10.0.0.5]:5060',
    ])
      expect(pbxIp(inside), inside).toBe('outcome.field.pbxIpNotPublic');
  });

  it('refuses what is no address, with the field’s own words in English and Spanish', () => {
    for (const bad of [
      '198.51.100',
      '198.51.100.20:',
      '198.51.100.20 5060',
      '２００１::db8::1',
      'pbx.example.com:5060',
    ])
      expect(pbxIp(bad), bad).toBe('outcome.field.pbxIp');
  });
});

describe.each(dialects())('the PBX address stored, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('stores the address pasted with its port as the block’s calls’ source IP reads, for support', async () => {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, {
      reason: 'hotspot_source_ip',
      calls: [{ sipUsername: 'x', to: '+252611234567', sourceIp: '198.51.100.20' }],
    });
    const posted = { ...firewallForm(block.id), pbxIp: '１９８.５１.１００.２０:5060' };
    const r = await submitFirewall(asUser(users[0]!), posted, meta);
    expect(r).toMatchObject({ ok: true });
    const view = await getRequestForStaff(
      await makeStaff(),
      (r as { data: { requestId: string } }).data.requestId,
    );
    expect(view?.pbxIp).toBe('198.51.100.20');
    const [call] = await getDb().triggerCall.findMany({ where: { blockId: block.id } });
    expect(view?.pbxIp).toBe(call!.sourceIp);
  });

  it('refuses an address that is none, in the reader’s language, and files nothing', async () => {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
    const posted = { ...firewallForm(block.id), pbxIp: '198.51.100:5060' };
    const r = await submitFirewall(asUser(users[0]!), posted, meta);
    expect(inWords(r).fieldErrors).toEqual({
      pbxIp: ['Enter your PBX’s public IP address, e.g. 198.51.100.20.'],
    });
    expect(inWords(r, 'es').fieldErrors).toEqual({
      pbxIp: ['Escriba la dirección IP pública de su central telefónica, por ejemplo, 198.51.100.20.'],
    });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });
});
