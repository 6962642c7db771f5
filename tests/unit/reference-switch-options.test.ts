import { describe, expect, it } from 'vitest';
import { startReferenceSwitch } from '@/switch/kamailio/src/launcher';

// docs/reference-switch.md told operators to export a SWITCH_WEBHOOK_SECRET of "at least 16
// characters", and the launcher took one; Tollgate refuses a webhook secret under 32 bytes, so the
// pair the docs described never ran together. The launcher now holds the key to Tollgate's rule,
// before it creates or starts anything.
const options = {
  sipPort: 1,
  httpPort: 0,
  dataDir: '/dev/null/never-created', // cannot be made: the old check let a short key through to here
  token: 'reference-token-0123456789',
  eventsUrl: 'http://127.0.0.1:1/api/switch/events',
  uasAddress: '127.0.0.1:1',
};

describe('startReferenceSwitch: the webhook secret by Tollgate’s rule', () => {
  it.each(['sixteen-chars-ok', 'x'.repeat(31), `${'x'.repeat(32)}\n`])(
    'refuses %j',
    async (webhookSecret) => {
      await expect(startReferenceSwitch({ ...options, webhookSecret })).rejects.toThrow(
        /SWITCH_WEBHOOK_SECRET\) must be at least 32 bytes/,
      );
    },
  );
});
