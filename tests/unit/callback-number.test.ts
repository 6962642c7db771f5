import { describe, expect, it } from 'vitest';
import { callbackSource, checkCallbackNumber } from '@/lib/phone/callback';

const somaliBlock = ['+252611234567', '00252611234568'];

describe('callback numbers support may call', () => {
  it('refuses a number in the block’s own destination country', () => {
    expect(checkCallbackNumber('+252 61 123 4567', 'US', somaliBlock)).toMatchObject({
      ok: false,
      reason: 'block_destination',
      message: expect.stringMatching(/Somalia/),
    });
    // From a Somali account, a Somali number is the office itself.
    expect(checkCallbackNumber('+252 61 123 4567', 'SO', somaliBlock)).toEqual({
      ok: true,
      e164: '+252611234567',
    });
  });
  it('refuses high-cost ranges whatever the block', () => {
    expect(checkCallbackNumber('+882 13 10 0123', 'US')).toMatchObject({
      ok: false,
      reason: 'high_cost',
      message: expect.stringMatching(/International Networks/),
    });
    expect(checkCallbackNumber('+881 6 123 45678', 'GB')).toMatchObject({ ok: false, reason: 'high_cost' });
    expect(checkCallbackNumber('1-900-555-0123', 'US')).toMatchObject({ ok: false, reason: 'high_cost' });
    expect(checkCallbackNumber('+1 876 210 1234', 'US')).toMatchObject({
      ok: false,
      reason: 'high_cost',
      message: expect.stringMatching(/Jamaica/),
    });
  });
  it('accepts ordinary numbers and returns E.164', () => {
    expect(checkCallbackNumber('+44 20 7946 0018', 'GB', somaliBlock)).toEqual({
      ok: true,
      e164: '+442079460018',
    });
    expect(checkCallbackNumber('(212) 555-0100', 'US', somaliBlock)).toEqual({
      ok: true,
      e164: '+12125550100',
    });
    expect(checkCallbackNumber('not a phone', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
  });
  it('says whether the number is on file', () => {
    expect(callbackSource('+12125550100', '+12125550100')).toBe('on_file');
    expect(callbackSource('+12125550100', '+12125550199')).toBe('typed');
    expect(callbackSource('+12125550100', null)).toBe('typed');
  });
});
