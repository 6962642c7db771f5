import { describe, expect, it } from 'vitest';
import { readStored, storedText, storeNote, storePersonText, switchReason } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import {
  readSwitchError,
  switchErrorText,
  withdrawnByTollgate,
  WITHDRAWN_ERRORS,
} from '@/lib/switch/error-text';
import en from '@/messages/en.json';

const english = translate('en');
const spanish = translate('es');
const englishHistory = Object.values(en.history);

// What the system wrote into BlockEvent.detail, Block.note, decision notes and SyncIssue.detail
// before it stored notes: these rows exist in databases today and must read in Spanish too.
const LEGACY: [written: string, inEnglishNow?: string][] = [
  ['Closed without a decision: the block was lifted.'],
  ['Granted by support from the account page.'],
  ['Found blocked on the switch by reconciliation.', 'Found blocked in our phone system by a routine check.'],
  ['Placed by support; the switch confirmed it.', 'Placed by support; our phone system confirmed it.'],
  [
    'The switch reports international calling blocked; the portal follows it.',
    'Our phone system reports international calling blocked; the portal follows it.',
  ],
  ['Fraud monitoring blocked international calling.'],
  ['Support called the account holder back and approved the request.'],
  ['Misdial'],
  ['Firewall hardened'],
  ['3 suspicious call(s)', '3 suspicious calls'],
  ['1 suspicious call(s)', '1 suspicious call'],
  ['2 recipient(s)', '2 recipients'],
  ['Block notice emailed to dana@acme.example'],
  [
    'A lift the switch confirmed would have undone a block placed while it was on its way. Placing the block again on the switch.',
    'A lift our phone system confirmed would have undone a block placed while it was on its way. Placing the block again in our phone system.',
  ],
  [
    'Reconciliation found international calling allowed on the switch while this block is in force. Placing the block again on the switch.',
    'A routine check found international calling allowed in our phone system while this block is in force. Placing the block again in our phone system.',
  ],
  [
    'The portal shows a block in force but the switch allowed international calls. The block is being placed again on the switch.',
  ],
  [
    'A lift requested by sam@tollgate.example reached the switch after block cmblock1 was placed; that block is being placed again on the switch.',
    // No block id on a page (tests/unit/readable-notes.test.ts).
    'A lift requested by sam@tollgate.example reached the switch after a newer block was placed; that block is being placed again on the switch.',
  ],
  [
    'The switch blocks international calling (no reason given) but the portal showed it allowed. The portal now shows the block.',
  ],
  [
    'The switch blocks international calling (high_risk_destination) but the portal showed it allowed. The portal now shows the block.',
    'The switch blocks international calling (High-risk destination) but the portal showed it allowed. The portal now shows the block.',
  ],
  [
    'Lift cancelled: the switch placed a new block on this account.',
    'Lift cancelled: our phone system placed a new block on this account.',
  ],
  [
    'Lift cancelled: a newer block is still in force on the switch.',
    'Lift cancelled: a newer block is still in force in our phone system.',
  ],
  ['Lift cancelled: support placed a block on this account.'],
  ['Lifted on the switch', 'Lifted in our phone system'],
  [
    'The switch confirmed: international calling is allowed again.',
    'Our phone system confirmed: international calling is allowed again.',
  ],
  [
    'The switch refused the lift (switch said no). Support will follow up.',
    'Our phone system refused the lift (the switch said: switch said no). Support will follow up.',
  ],
  [
    'The switch refused the lift (account_closed: the account is closed). Support will follow up.',
    'Our phone system refused the lift (the switch answered “account_closed”). Support will follow up.',
  ],
  [
    'Placed again on the switch; the switch confirmed it.',
    'Placed again in our phone system; it confirmed it.',
  ],
  // Written on a lift's request only, which the switch may refuse: they read as what was asked.
  [
    'Every SIP password named in the block was changed',
    'Asked because every SIP password named in the block was changed; the block is lifted only once our phone system confirms it.',
  ],
  ['Lifted by support', 'Asked by support; the block is lifted only once our phone system confirms it.'],
  [
    'Unblock request approved by support after a call with the account holder (misdial)',
    'Asked because support approved the unblock request after a call with the account holder; the block is lifted only once our phone system confirms it.',
  ],
];

/** English history sentences (their fixed words, split at placeholders) found in `text`. */
const englishIn = (text: string) =>
  englishHistory
    .flatMap((v) => v.split(/\{[^}]*\}+/))
    .map((s) => s.trim())
    .filter((s) => s.length > 12 && text.includes(s));

describe('notes the system stores in a text column', () => {
  it('round-trip: stored as a history note, read back as that note', () => {
    const raw = storeNote('history.noticeEmailed', { to: 'dana@acme.example' });
    expect(readStored(raw)).toEqual({ key: 'history.noticeEmailed', values: { to: 'dana@acme.example' } });
    expect(storedText(english, raw)).toBe('Block notice emailed to dana@acme.example');
    expect(storedText(spanish, raw)).toBe('Aviso de bloqueo enviado por correo a dana@acme.example');
    expect(storedText(spanish, storeNote('history.suspiciousCalls', { count: 1 }))).toBe(
      '1 llamada sospechosa',
    );
  });

  it('a nested note (the switch’s reason) reads in the reader’s language too', () => {
    const raw = storeNote('history.syncBlockedOnSwitch', { reason: switchReason('hotspot_source_ip') });
    expect(storedText(english, raw)).toContain('(Source IP in a fraud hotspot)');
    expect(storedText(spanish, raw)).toMatch(/^El switch bloquea/);
    expect(englishIn(storedText(spanish, raw)!)).toEqual([]);
    expect(
      storedText(spanish, storeNote('history.syncBlockedOnSwitch', { reason: switchReason(null) })),
    ).toContain('(sin motivo indicado)');
    // A word the switch made up is shown as the switch wrote it.
    expect(switchReason('velocity')).toBe('velocity');
  });

  it('every sentence written before notes reads the same in English and reads in Spanish', () => {
    for (const [written, now] of LEGACY) {
      const note = readStored(written);
      expect(typeof note, written).toBe('object');
      // Notes that name our phone system read so to a customer; to staff they name the switch
      // (staffHistory.*). The others read alike to both.
      if (/our phone system/i.test(now ?? '')) {
        expect(storedText(english, written, 'staff'), written).not.toMatch(/our phone system/i);
        expect(storedText(english, written, 'customer'), written).not.toMatch(/\bswitch\b/i);
      } else expect(storedText(english, written, 'staff'), written).toBe(now ?? written);
      const es = storedText(spanish, written)!;
      expect(es, written).not.toBe(now ?? written);
      expect(englishIn(es), written).toEqual([]);
    }
  });

  it('a switch error in a history entry reads in the reader’s words, never Tollgate’s English diagnostic', () => {
    // As lib/switch/outbox.ts and lib/blocks/lifecycle.ts store them (`<code>: <detail>`).
    const cases: [stored: string, es: string][] = [
      ['timeout: no answer within 5000 ms', 'no respondió a tiempo'],
      ['connection_error: connection error (ECONNREFUSED)', 'no se pudo contactar con él'],
      ['aborted: the request was cancelled', 'se canceló la petición'],
      ['bad_body: accountNumber names another account', 'no se pudo leer su respuesta'],
      ['invalid_response: not JSON', 'no se pudo leer su respuesta'],
      ['unavailable: HTTP 502', 'no estaba disponible'],
      [
        'body_disagrees: the switch answered 200 with internationalCalling "blocked"',
        'respondió con el otro estado',
      ],
      ['rejected: HTTP 400', 'sin dar un motivo'],
      ['not_found: HTTP 404', 'no conoce esta cuenta'],
      ['account_closed: the account is closed', 'respondió «account_closed»'],
    ];
    for (const [error, es] of cases) {
      for (const key of ['history.liftRefused', 'history.syncLiftRefused'] as const) {
        const raw = storeNote(key, { error, actor: 'sam@tollgate.example' });
        const text = storedText(spanish, raw)!;
        expect(text, error).toContain(`(${es})`);
        expect(text, error).not.toContain(error.slice(error.indexOf(':') + 2));
      }
    }
  });

  it('every history note stored with a switch error reads it in the reader’s words, the gave-up notes too', () => {
    // Every `history.*` sentence with an `{error}` holds a stored switch error (lib/i18n/stored.ts
    // SWITCH_ERROR_NOTES): a note added without joining that list shows Tollgate's English here.
    const keys = Object.entries(en.history)
      .filter(([, sentence]) => /\{error\b/.test(sentence))
      .map(([key]) => `history.${key}` as const);
    expect(keys).toEqual(
      expect.arrayContaining(['history.syncAllowancePutGaveUp', 'history.syncAllowanceDeleteGaveUp']),
    );
    const values = { actor: 'sam@tollgate.example', country: 'MX', hours: 1, until: Date.UTC(2026, 11, 7) };
    for (const key of keys) {
      const timeout = storedText(
        spanish,
        storeNote(key, { ...values, error: 'timeout: no answer within 5000 ms' }),
      )!;
      // Each sentence names the switch itself: the error says it once (B1, 2026-12-08).
      expect(timeout, key).toContain('no respondió a tiempo');
      expect(timeout, key).not.toContain('el switch no respondió a tiempo');
      expect(timeout, key).not.toContain('no answer within');
      // The wait the switch asked for (storedSwitchError), in Spanish.
      const error = 'asked_to_wait: 600 s; rate_limited: HTTP 429 rate_limited: slow down';
      const waited = storedText(spanish, storeNote(key, { ...values, error }))!;
      expect(waited, key).toContain(
        'pidió a Tollgate que esperara 10 minutos antes de volver a llamarlo (respondió «rate_limited»)',
      );
      expect(waited, key).not.toContain('el switch pidió');
      expect(waited, key).not.toContain('asked_to_wait');
    }
    expect(
      storedText(
        spanish,
        storeNote('history.syncAllowancePutGaveUp', {
          ...values,
          error: 'timeout: no answer within 5000 ms',
        }),
      ),
    ).toBe(
      'El switch no respondió en 1 hora al permiso para MX decidido por sam@tollgate.example (último error: no respondió a tiempo). Tollgate dejó de enviarlo: el permiso no está en vigor en el portal, y Tollgate pide al switch que lo termine por si le llegó.',
    );
  });

  it('a stored switch error read apart: its kind, the switch’s own code and message', () => {
    expect(readSwitchError('timeout: no answer within 5000 ms')).toEqual({
      kind: 'timeout',
      detail: 'no answer within 5000 ms',
    });
    expect(readSwitchError('ACCOUNT_CLOSED: Cuenta cerrada')).toEqual({
      kind: 'answered',
      code: 'ACCOUNT_CLOSED',
      detail: 'Cuenta cerrada',
    });
    // As the outbox stores a refusal: the code, then the transport's message with the switch's words.
    expect(readSwitchError('account_closed: HTTP 409 account_closed: the account is closed')).toEqual({
      kind: 'answered',
      code: 'account_closed',
      detail: 'the account is closed',
    });
    expect(readSwitchError('refused')).toEqual({ kind: 'answered', code: 'refused', detail: '' });
    // A "try later" status with the switch's own code is the switch being unavailable, whatever the
    // code says: every status the transport files as unavailable (5xx, 408), and only those; a 429 is
    // the switch asking Tollgate to wait (tests/unit/switch-asked-to-wait.test.ts).
    for (const status of [500, 502, 503, 504, 408])
      expect(readSwitchError(`maintenance: HTTP ${status} maintenance: back at 02:00`)).toEqual({
        kind: 'unavailable',
        code: 'maintenance',
        detail: 'back at 02:00',
      });
    expect(readSwitchError('maintenance: HTTP 429 maintenance: back at 02:00')).toEqual({
      kind: 'askedToWait',
      code: 'maintenance',
      detail: 'back at 02:00',
    });
    for (const status of [400, 403, 409, 422])
      expect(readSwitchError(`maintenance: HTTP ${status} maintenance: back at 02:00`).kind).toBe('answered');
    expect(switchErrorText(spanish, 'maintenance: HTTP 503 maintenance: back at 02:00')).toBe(
      'el switch no estaba disponible (respondió «maintenance»): back at 02:00',
    );
    expect(switchErrorText(english, 'rate_limited: HTTP 429 rate_limited: slow down')).toBe(
      'the switch asked Tollgate to wait before calling it again (it answered “rate_limited”): slow down',
    );
    // The allowance outbox's words from before they carried a code, and text with no code at all.
    expect(readSwitchError('the switch answered 200 without this allowance in force').kind).toBe(
      'notInForce',
    );
    expect(
      readSwitchError('not_in_force: the switch answered 200 without this allowance in force').kind,
    ).toBe('notInForce');
    expect(readSwitchError('Request failed: 500')).toEqual({ kind: 'other', detail: 'Request failed: 500' });
    // Names every object has are codes like any other, not Tollgate's own.
    expect(readSwitchError('constructor: x').kind).toBe('answered');
    // A change Tollgate withdrew itself (lib/blocks/lifecycle.ts cancelQueuedLifts,
    // lib/allowances/operations.ts endAllowancesWithBlock) is no answer of the switch (review, session 33):
    // every text those write, in both languages; a switch that answers with a code of the same name
    // is still the switch's answer.
    for (const [stored, inEnglish, inSpanish] of [
      [
        'superseded: the switch placed a new block on this account',
        'the switch placed a new block on this account',
        'el switch puso un bloqueo nuevo en esta cuenta',
      ],
      [
        'superseded: a newer block is still in force on the switch',
        'a newer block is still in force on the switch',
        'sigue en vigor un bloqueo más reciente en el switch',
      ],
      [
        'superseded: support placed a block on this account',
        'support placed a block on this account',
        'soporte puso un bloqueo en esta cuenta',
      ],
      [
        'cancelled: new_block',
        'a new block was placed on this account',
        'se puso un bloqueo nuevo en esta cuenta',
      ],
      ['cancelled: block_lifted', 'the block was lifted', 'se levantó el bloqueo'],
      [
        'superseded: the switch lifted this block',
        'the switch lifted this block',
        'el switch levantó este bloqueo',
      ],
      [
        'superseded: suspect credential not changed since the block',
        'a suspect credential’s password was not changed since the block',
        'no se cambió la contraseña de una credencial sospechosa desde el bloqueo',
      ],
    ]) {
      expect(readSwitchError(stored).kind).toBe('withdrawn');
      expect(withdrawnByTollgate({ status: 'failed', lastError: stored })).toBe(true);
      expect(switchErrorText(english, stored)).toBe(`Tollgate withdrew the change: ${inEnglish}`);
      expect(switchErrorText(spanish, stored)).toBe(`Tollgate retiró el cambio: ${inSpanish}`);
    }
    expect(WITHDRAWN_ERRORS).toHaveLength(7);
    for (const stored of ['superseded: HTTP 409 superseded: a newer change won', 'cancelled', 'cancelled: x'])
      expect(readSwitchError(stored).kind).not.toBe('withdrawn');
    expect(withdrawnByTollgate({ status: 'failed', lastError: 'account_closed: closed' })).toBe(false);
    expect(withdrawnByTollgate({ status: 'failed', lastError: null })).toBe(false);
    // Staff read the switch's own message after the words, as the switch sent it.
    expect(switchErrorText(spanish, 'account_closed: the account is closed')).toBe(
      'el switch respondió «account_closed»: the account is closed',
    );
    expect(switchErrorText(english, 'timeout: no answer within 5000 ms')).toBe(
      'no answer from the switch in time',
    );
  });

  it('a person’s words stay as written, whatever they look like', () => {
    expect(storedText(spanish, 'Spoke with the owner; a receptionist typo.')).toBe(
      'Spoke with the owner; a receptionist typo.',
    );
    expect(storedText(spanish, 'note: call back after 5')).toBe('note: call back after 5');
    // Only history notes are read as notes: any other key stays text (no page renders arbitrary keys).
    const other = 'note:{"key":"staff.labels.reason.manual"}';
    expect(readStored(other)).toBe(other);
    expect(readStored('note:{"key":"history.placedAgain","values":{"x":{"key":"mail.hello"}}}')).toEqual(
      'note:{"key":"history.placedAgain","values":{"x":{"key":"mail.hello"}}}',
    );
    // Names every object has are not sentences the system wrote.
    for (const word of ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'])
      expect(storedText(spanish, word)).toBe(word);
    expect(readStored(null)).toBeNull();
    expect(readStored('')).toBeNull();
  });

  it('a person cannot make their words read as a history entry of the system', () => {
    const forged = storeNote('history.approvedAfterCall');
    expect(storePersonText(forged)).not.toBe(forged);
    expect(storedText(spanish, storePersonText(forged))).toBe(forged);
    for (const words of ['Called back; approved.', 'text: as typed', 'text:note:x', 'note:'])
      expect(storedText(spanish, storePersonText(words))).toBe(words);
    expect(storePersonText('Called back; approved.')).toBe('Called back; approved.');
  });
});
