import { query } from './support/db';
import { DEMO, expect, expectAccessible, signIn, signInStaff, test } from './support/fixtures';
import { waitForMail } from './support/mail';
import { clearFaults, liftOnSwitch, putSwitchAccount, setFaults, sim } from './support/sim';
import { E2E } from './support/env';
import { runTsx } from './support/tsx';

// Issue 16, item 4: "Allow one country for a while" — request, callback approval, the switch's
// confirmation, the countdown, the emails, and the end noticed from the switch. Own data (any order).

type Data = {
  number: string;
  name: string;
  email: string;
  password: string;
  username: string;
  blockId: string;
  placedAt: string;
};

/**
 * A blocked account with one customer (e2e/support/allowance-data.ts), held blocked by the simulated
 * switch too: a journey whose switch does not know its account lifts through nothing (`/_sim/lift`).
 */
async function makeBlockedAccount(args: string[] = []): Promise<Data> {
  const d = JSON.parse(
    runTsx('e2e/support/allowance-data.ts', args, { DATABASE_URL: E2E.databaseUrl }),
  ) as Data;
  await putSwitchAccount(d.number, 'blocked', [{ username: d.username }], d.placedAt);
  return d;
}

test('a customer asks, support approves after the callback, the switch confirms, it counts down, then ends', async ({
  browser,
}) => {
  // The whole allowance, from the request to its end on the switch: 34 s with two e2e workers, 50 s
  // with three; the default 60 s left no room for a busy machine.
  test.slow();
  const d = await makeBlockedAccount();

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, { email: d.email, password: d.password }, `/blocks/${d.blockId}`);
  await customer.goto(`/blocks/${d.blockId}`);
  await customer.getByRole('link', { name: 'Allow one country for a while' }).click();
  await expect(
    customer.getByRole('heading', { name: 'Allow one country for a while', level: 1 }),
  ).toBeVisible();
  await expectAccessible(customer);

  // Bad input: a clear message, nothing recorded.
  await customer.getByLabel('Country').selectOption('SO');
  await customer.getByLabel('How long (hours)').fill('73');
  await customer.getByLabel('Why do you need it?').fill('');
  await customer.getByRole('button', { name: 'Ask for this allowance' }).click();
  await expect(customer.getByText('An allowance lasts at most 72 hours.', { exact: false })).toBeVisible();
  await expect(
    customer.getByText('Tell us why you need to call this country', { exact: false }),
  ).toBeVisible();
  await expect(customer.getByLabel('Country')).toHaveValue('SO');
  await expectAccessible(customer);
  expect(query('SELECT id FROM "DestinationAllowance" WHERE "blockId" = ?', d.blockId)).toHaveLength(0);

  await customer.getByLabel('How long (hours)').fill('4');
  await customer
    .getByLabel('Why do you need it?')
    .fill('We must call our supplier in Mogadishu to confirm an order.');
  // A callback number support must not call (an international network): refused as on a misdial.
  await customer.getByLabel('Callback phone').fill('+882 16 1234 5678');
  await customer.getByRole('button', { name: 'Ask for this allowance' }).click();
  await expect(customer.getByText('support cannot call it back', { exact: false })).toBeVisible();
  await expectAccessible(customer);
  expect(query('SELECT id FROM "DestinationAllowance" WHERE "blockId" = ?', d.blockId)).toHaveLength(0);
  // What the customer typed is still there to correct.
  await expect(customer.getByLabel('Callback phone')).toHaveValue('+882 16 1234 5678');
  await expect(customer.getByLabel('How long (hours)')).toHaveValue('4');
  await customer.getByLabel('Callback phone').fill('(202) 555-0143');
  await customer.getByRole('button', { name: 'Ask for this allowance' }).click();
  await expect(customer).toHaveURL(new RegExp(`/blocks/${d.blockId}\\?allowance=requested`));
  // The form is gone: the confirmation takes the focus and is announced as it does (review, session 34:
  // nothing said it, and the focus fell to the document), outside the page's status region (it was
  // read twice there, once more as the region's change).
  await expect(customer.getByText('Your allowance request was sent.', { exact: false })).toBeFocused();
  await expect(
    customer.getByText('Somalia (SO): asked for 4 h — waiting for support to call you back.'),
  ).toBeVisible();

  // Support: the queue lists it; approving needs the callback attestation.
  const staff = await (await browser.newContext()).newPage();
  await signInStaff(staff, DEMO.sam);
  await staff
    .getByRole('link', { name: new RegExp(`${d.name} \\(${d.number}\\): Somalia \\(SO\\) for 4 h`) })
    .click();
  await expect(staff.getByRole('heading', { name: 'Destination allowances' })).toBeVisible();
  // The number to call back before approving, as on a misdial: formatted, callable, and where it came from.
  await expect(staff.getByRole('link', { name: /202\D+555\D0143/ })).toHaveAttribute(
    'href',
    'tel:+12025550143',
  );
  await expect(staff.getByText('Typed by the requester: not on file for the account.')).toBeVisible();
  await expectAccessible(staff);
  // The agent takes the request before calling (lib/allowances/claim.ts), as on an unblock request:
  // the page says it is theirs, and the staff home's list shows the other agents who is calling.
  const request = staff
    .getByRole('listitem')
    .filter({ has: staff.getByRole('heading', { name: /^Somalia \(SO\), 4 h — Requested/ }) });
  await expect(request.getByText(/^Nobody has taken this request\./)).toBeVisible();
  await request.getByRole('button', { name: 'Take this request', exact: true }).click();
  await expect(request.getByText(/^You have taken this request:/)).toBeVisible();
  await expect(request.getByText(/^You took this request on .+\. It is yours until .+/)).toBeVisible();
  // The focus is on that sentence, not on the button now reading "Keep it…" (a second Enter kept it).
  await expect(request.getByText(/^You took this request on .+\. It is yours until .+/)).toBeFocused();
  await expect(request.getByRole('button', { name: 'Keep it 20 more minutes', exact: true })).toBeVisible();
  await expectAccessible(staff);
  await staff.goto('/staff');
  const listed = staff
    .getByRole('listitem')
    .filter({ has: staff.getByRole('link', { name: new RegExp(`${d.name} \\(${d.number}\\): Somalia`) }) });
  await expect(listed.getByText(/^Taken by you since .+, until .+/)).toBeVisible();
  await expectAccessible(staff);
  await staff
    .getByRole('link', { name: new RegExp(`${d.name} \\(${d.number}\\): Somalia \\(SO\\) for 4 h`) })
    .click();
  const approve = staff.getByRole('form', { name: 'Approve: Somalia (SO), 4 h' });
  await approve.getByLabel('Note').fill('Called the owner back on the number on file; supplier order.');
  await approve.getByRole('button', { name: 'Approve allowance' }).click();
  await expect(
    approve.getByText('Confirm that you spoke with the account holder before approving.'),
  ).toBeVisible();
  await approve.getByLabel('I spoke with the account holder').check();
  await approve.getByLabel('Note').fill('Called the owner back on the number on file; supplier order.');
  await approve.getByRole('button', { name: 'Approve allowance' }).click();
  await expect(staff.getByText('Somalia (SO), 4 h — In force on the switch')).toBeVisible({
    timeout: 20_000,
  });
  // Deciding ended the claim: nobody holds a request that no longer waits.
  expect(query('SELECT "claimedById" FROM "DestinationAllowance" WHERE "blockId" = ?', d.blockId)).toEqual([
    { claimedById: null },
  ]);

  // The switch has it; the customer sees it with a countdown.
  const onSwitch = await sim<{ allowances: { country: string; until: string }[] }>(
    `/_sim/accounts/${d.number}`,
  );
  expect(onSwitch.allowances.map((a) => a.country)).toEqual(['SO']);
  await customer.reload();
  await expect(customer.getByText(/Somalia \(SO\): calls allowed until/)).toBeVisible();
  await expect(customer.getByRole('timer')).toHaveText(/^(3 h 5\d|4 h 0) min left\.$/);
  await expectAccessible(customer);

  // Both sides are told it started.
  const subjectStarted = new RegExp(`Calls to Somalia \\(SO\\) are allowed for a while — ${d.name}`);
  await waitForMail(d.email, subjectStarted);
  await waitForMail(DEMO.sam.email, subjectStarted);

  // The switch drops it (as at its `until`, here hours early); the portal notices from the switch's
  // GET, which reads an allowance far from its end every 15 s (lib/allowances/expiry.ts WATCH_EVERY_MS).
  await sim(`/_sim/accounts/${d.number}/allowances/SO/expire`, { method: 'POST' });
  await expect(
    customer.getByText(/Somalia \(SO\): the allowance ended .* Calls there are blocked again\./),
  ).toBeVisible({ timeout: 40_000 });
  await expect(customer.getByRole('timer')).toHaveCount(0);
  const subjectEnded = new RegExp(`Calls to Somalia \\(SO\\) are blocked again — ${d.name}`);
  await waitForMail(d.email, subjectEnded);
  await waitForMail(DEMO.sam.email, subjectEnded);

  const actions = query<{ action: string }>(
    `SELECT action FROM "AuditLog" WHERE "targetType" = 'destination_allowance' AND "accountId" = (SELECT id FROM "CustomerAccount" WHERE number = ?) ORDER BY at`,
    d.number,
  ).map((r) => r.action);
  expect(actions).toEqual([
    'allowance.requested',
    'allowance.taken',
    'allowance.approved',
    'allowance.started',
    'allowance.ended',
  ]);
});

test('a request still waiting when the switch lifts the block is closed: out of the queue, both sides told', async ({
  browser,
}) => {
  const d = await makeBlockedAccount();
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, { email: d.email, password: d.password }, `/blocks/${d.blockId}`);
  await customer.goto(`/blocks/${d.blockId}/allowance`);
  await customer.getByLabel('Country').selectOption('SO');
  await customer.getByLabel('How long (hours)').fill('4');
  await customer.getByLabel('Why do you need it?').fill('We must call our supplier in Mogadishu.');
  await customer.getByLabel('Callback phone').fill('(202) 555-0143');
  await customer.getByRole('button', { name: 'Ask for this allowance' }).click();
  await expect(
    customer.getByText('Somalia (SO): asked for 4 h — waiting for support to call you back.'),
  ).toBeVisible();
  // Asking again: the page says up front what is asked for already and offers the other countries,
  // not Somalia, whose request would be refused only once filled in (tester, session 42).
  await customer.goto(`/blocks/${d.blockId}/allowance`);
  await expect(
    customer.getByText(/^This country is already asked for or allowed on this account/),
  ).toBeVisible();
  await expect(
    customer.getByRole('listitem').filter({ hasText: 'Somalia (SO): asked for 4 h — waiting for support' }),
  ).toHaveCount(1);
  await expect(customer.getByLabel('Country').locator('option[value="SO"]')).toHaveCount(0);
  await expect(customer.getByLabel('Country').locator('option[value="CU"]')).toHaveCount(1);
  await expectAccessible(customer);
  await customer.getByRole('link', { name: 'See it on the block page' }).click();
  await expect(customer).toHaveURL(new RegExp(`/blocks/${d.blockId}$`));

  // The customer rotated the passwords; the switch lifts the block before support calls back.
  await liftOnSwitch(d.number);
  await customer.reload();
  await expect(
    customer.getByText(
      /^Somalia \(SO\): closed without a decision on .+, when the block was lifted\. Every country can be called, so no allowance is needed\. If a new block is placed/,
    ),
  ).toBeVisible();
  await expect(customer.getByText(/waiting for support to call you back/)).toHaveCount(0);
  await expectAccessible(customer);
  // The one "calling is back" mail says what became of the request (no second mail).
  const back = await waitForMail(d.email, new RegExp(`^International calling is back on ${d.name}`));
  expect(back.text.replace(/\s+/g, ' ')).toMatch(
    /Your request to allow calls to Somalia \(SO\) for 4 hours, sent on .+, is closed without a decision: every country can be called again, so no allowance is needed\./,
  );

  // Support's queue no longer offers it; the account page says what happened to it.
  const staff = await (await browser.newContext()).newPage();
  await signInStaff(staff, DEMO.sam);
  await expect(
    staff.getByRole('link', { name: new RegExp(`${d.name} \\(${d.number}\\): Somalia`) }),
  ).toHaveCount(0);
  await staff.goto(`/staff/accounts/${d.number}`);
  await expect(staff.getByText('Somalia (SO), 4 h — Closed without a decision')).toBeVisible();
  await expect(staff.getByText(/ended by Tollgate: the block was lifted/)).toBeVisible();
  await expect(staff.getByRole('form', { name: 'Approve: Somalia (SO), 4 h' })).toHaveCount(0);
  await expectAccessible(staff);

  // The switch places a new block. On its page the closed request no longer says every country can
  // be called (tester, 2026-12-06): calling is blocked again, and the way to ask is right there.
  await sim('/_sim/fraud', { method: 'POST', body: { accountNumber: d.number, to: '+252611234567' } });
  const newBlock = async () =>
    query<{ id: string }>(
      `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = ? AND b.status = 'active'`,
      d.number,
    )[0]?.id;
  await expect.poll(newBlock).toBeTruthy();
  await customer.goto(`/blocks/${await newBlock()}`);
  const allowances = customer.getByRole('list', { name: 'Allowed destinations' });
  await expect(allowances.getByRole('listitem')).toHaveText([
    /^Somalia \(SO\): closed without a decision on .+, when the block in force then was lifted\. International calling is blocked again now\. If you still need to call this country, ask again with “Allow one country for a while” below\.$/,
  ]);
  await expect(customer.getByText(/Every country can be called/)).toHaveCount(0);
  await expect(customer.getByRole('link', { name: 'Allow one country for a while' })).toBeVisible();
  await expectAccessible(customer);
});

test('an allowance asked for in two tabs: the second is told, and its page shows the first; then the block lifted', async ({
  browser,
}) => {
  const d = await makeBlockedAccount();
  const context = await browser.newContext();
  const first = await context.newPage();
  await signIn(first, { email: d.email, password: d.password }, `/blocks/${d.blockId}`);
  const second = await context.newPage();
  const page = `/blocks/${d.blockId}/allowance`;
  /** The allowance form on `tab`, filled in for `country`, and sent. */
  const ask = async (tab: typeof first, country: string) => {
    await tab.getByLabel('Country').selectOption(country);
    await tab.getByLabel('How long (hours)').fill('4');
    await tab.getByLabel('Why do you need it?').fill('We must call our supplier in Mogadishu.');
    await tab.getByLabel('Callback phone').fill('(202) 555-0143');
    await tab.getByRole('button', { name: 'Ask for this allowance' }).click();
  };
  await first.goto(page);
  await second.goto(page);
  await ask(first, 'SO');
  await expect(
    first.getByText('Somalia (SO): asked for 4 h — waiting for support to call you back.'),
  ).toBeVisible();
  // The second tab, opened before: refused, and drawn again with what is asked for already.
  await ask(second, 'SO');
  await expect(second.locator('#allowance-message')).toHaveText(
    'There is already an allowance for Somalia on this account (waiting for support).',
  );
  await expect(
    second.getByRole('listitem').filter({ hasText: 'Somalia (SO): asked for 4 h — waiting for support' }),
  ).toHaveCount(1);
  await expect(second.getByLabel('Country').locator('option[value="SO"]')).toHaveCount(0);
  await expectAccessible(second);

  // The switch lifts the block while the second tab asks for another country.
  await liftOnSwitch(d.number);
  await expect
    .poll(() => query<{ status: string }>(`SELECT status FROM "Block" WHERE id = ?`, d.blockId)[0].status)
    .toBe('lifted');
  await ask(second, 'CU');
  await expect(second.locator('#allowance-message')).toHaveText(
    'Your request was not sent: this block is no longer in force, so no allowance is needed.',
  );
  await expect(
    second
      .getByRole('status')
      .filter({ hasText: /^This block is no longer in force, so no allowance is needed\.$/ }),
  ).toBeVisible();
  await expect(second.getByRole('button', { name: 'Ask for this allowance' })).toHaveCount(0);
  await expectAccessible(second);
  await context.close();
});

test('the agent who loses an allowance decision sees it as it now is, still told who decided, without a reload', async ({
  agent,
  admin,
}) => {
  const d = await makeBlockedAccount(['--requested']);
  for (const { page } of [agent, admin]) await page.goto(`/staff/accounts/${d.number}`);
  const a = agent.page;
  const b = admin.page;
  const label = 'Somalia (SO), 4 h';
  const denyForm = b.getByRole('form', { name: `Deny: ${label}` });
  await denyForm
    .getByLabel('Reason for the customer')
    .fill('We could not reach the account holder on the callback.');
  await b.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
  const region = await denyForm.locator('[aria-live="polite"]').elementHandle();

  const approve = a.getByRole('form', { name: `Approve: ${label}` });
  await approve.getByLabel('I spoke with the account holder').check();
  await approve.getByLabel('Note').fill('Called the owner back on the number on file; supplier order.');
  await approve.getByRole('button', { name: 'Approve allowance' }).click();
  // The answer stays on the page that now shows the allowance on its way (or in force).
  await expect(a.getByText('On its way to the switch.', { exact: false })).toBeVisible();
  await expect(a.getByRole('form', { name: `Approve: ${label}` })).toHaveCount(0);

  await denyForm.getByRole('button', { name: 'Deny allowance' }).click();
  const refusal = `${agent.user.email} has already approved this request. Nothing was changed and nothing was sent to the switch. This page now shows where it stands.`;
  await expect(b.getByText(refusal)).toBeVisible();
  await expect(
    b.getByText(
      /^Somalia \(SO\), 4 h — (Approved: waiting for the switch to confirm|In force on the switch)$/,
    ),
  ).toBeVisible();
  await expect(b.getByRole('form', { name: `Deny: ${label}` })).toHaveCount(0);
  await expect(b.getByRole('form', { name: `Approve: ${label}` })).toHaveCount(0);
  expect(await b.evaluate(() => (window as unknown as { kept?: boolean }).kept)).toBe(true);
  expect(await region!.evaluate((el) => el.isConnected && el.textContent)).toBe(refusal);
  await expectAccessible(b);
  const statuses = query<{ status: string }>(
    `SELECT status FROM "DestinationAllowance" WHERE "accountId" = (SELECT id FROM "CustomerAccount" WHERE number = ?)`,
    d.number,
  ).map((r) => r.status);
  expect(statuses).toHaveLength(1);
  expect(['sending', 'active']).toContain(statuses[0]);

  // The agent who approved ends it early. The answer ("on its way") stays until the page, refreshing
  // itself, shows the switch's confirmation, and then goes (tester, session 42: it stood beside the
  // news it announced); the keyboard focus, on the button that went, is on the allowance's heading:
  // not <body>, nor the live region.
  await expect(a.getByText(`${label} — In force on the switch`)).toBeVisible({ timeout: 20_000 });
  await a
    .getByRole('form', { name: `End now: ${label}` })
    .getByRole('button', { name: 'End now' })
    .click();
  const endSent = a.getByText('On its way to the switch. The allowance ends once the switch confirms it.');
  await expect(endSent).toBeVisible();
  await expect(a.getByText(`${label} — Ended`, { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(endSent).toHaveCount(0);
  await expect(a.getByRole('button', { name: 'End now' })).toHaveCount(0);
  await expect(a.getByRole('heading', { name: `${label} — Ended`, exact: true })).toBeFocused();
  expect(
    await a.evaluate(
      () => !!document.activeElement?.closest('[aria-live]:not([aria-live="off"]), [role="status"]'),
    ),
  ).toBe(false);
  await expectAccessible(a);
});

// Found by a tester injecting switch faults (2026-12-06): with the switch failing every DELETE, an
// allowance support had pressed "End now" on read, after a reload, "In force on the switch" with
// "End now" offered again, and the customer's block page "calls allowed until…" with its countdown:
// nothing said the end was waiting for the switch. It is still in force (until the switch confirms),
// and both sides now say that its end is waiting; no second "End now" is offered.
test('"End now" the switch does not answer: both sides say the end is waiting, and "End now" is not offered again', async ({
  browser,
  agent,
}) => {
  const d = await makeBlockedAccount();
  const a = agent.page;
  const label = 'Somalia (SO), 4 h';
  await a.goto(`/staff/accounts/${d.number}`);
  const grant = a.getByRole('form', { name: 'Grant an allowance' });
  await grant.getByLabel('Country').selectOption('SO');
  await grant.getByLabel('How long (hours)').fill('4');
  await grant.getByLabel('Why').fill('Supplier in Mogadishu; the owner asked on the phone.');
  await grant.getByRole('button', { name: 'Grant allowance' }).click();
  await expect(
    a.getByRole('heading', { name: `${label} — In force on the switch`, exact: true }),
  ).toBeVisible({ timeout: 20_000 });

  // This account's DELETEs fail on the switch (nothing else does), for as long as the journey lasts.
  await setFaults(d.number, { failNext: 1000, failStatus: 500, method: 'DELETE' });
  try {
    await a
      .getByRole('form', { name: `End now: ${label}` })
      .getByRole('button', { name: 'End now' })
      .click();
    await expect(
      a.getByText('On its way to the switch. The allowance ends once the switch confirms it.'),
    ).toBeVisible();
    const ending = a.getByRole('heading', {
      name: `${label} — In force on the switch; ending it is waiting for the switch’s answer`,
      exact: true,
    });
    await expect(ending).toBeVisible();
    await expect(a.getByRole('button', { name: 'End now' })).toHaveCount(0);

    // A reload: the same, with when the end was queued, and still no "End now".
    await a.reload();
    await expect(ending).toBeVisible();
    await expect(
      a.getByText(
        /^Ending it was queued for the switch on .+, and the switch has not confirmed the end yet: until it does, the allowance stays in force, and “End now” is not offered again\.$/,
      ),
    ).toBeVisible();
    await expect(a.getByRole('button', { name: 'End now' })).toHaveCount(0);
    await expectAccessible(a);
    // The switch was asked, and failed: the end is pending, not given up.
    expect(
      query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM "SwitchOperation" WHERE "accountNumber" = ? AND kind = 'allowance_delete'`,
        d.number,
      ),
    ).toEqual([{ status: 'pending', attempts: expect.any(Number) }]);

    // The customer's block page: still allowed (it is, until the switch confirms), being ended, no countdown.
    const customer = await (await browser.newContext()).newPage();
    await signIn(customer, { email: d.email, password: d.password }, `/blocks/${d.blockId}`);
    await customer.goto(`/blocks/${d.blockId}`);
    await expect(
      customer.getByText(
        /^Somalia \(SO\): calls are still allowed, until .+ at the latest\. This allowance is being ended, and our phone system has not confirmed the end yet\.$/,
      ),
    ).toBeVisible();
    await expect(customer.getByText(/calls allowed until/)).toHaveCount(0);
    await expect(customer.getByRole('timer')).toHaveCount(0);
    await expectAccessible(customer);
    // The allowance form's list of what is already asked for or in force says the same.
    await customer.goto(`/blocks/${d.blockId}/allowance`);
    await expect(
      customer
        .getByRole('listitem')
        .filter({
          hasText:
            /^Somalia \(SO\): calls are still allowed, until .+ at the latest\. This allowance is being ended/,
        }),
    ).toBeVisible();
    await expect(customer.getByText(/calls allowed until/)).toHaveCount(0);
    await expectAccessible(customer);
  } finally {
    await clearFaults(d.number);
  }
});
