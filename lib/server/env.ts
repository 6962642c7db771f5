import { z } from 'zod';

// CONTRACTS §2. Read and validated once; every other module asks this one.

/** A key of at least 32 bytes (UTF-8); `missing` is the message when it is absent. */
const key32 = (missing?: string) =>
  z
    .string(missing ? { error: missing } : undefined)
    .refine((v) => Buffer.byteLength(v) >= 32, 'must be at least 32 bytes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string({ error: 'is required (file:./data/tollgate.db or postgresql://…)' })
    .refine(
      (v) => v.startsWith('file:') || /^postgres(ql)?:\/\//.test(v),
      'must start with file: or postgresql://',
    ),
  APP_URL: z
    .url({ error: 'must be an absolute http(s) URL, e.g. https://portal.example.com' })
    .refine((v) => /^https?:\/\//.test(v), 'must be http(s)'),
  AUTH_SECRET: key32('is required (at least 32 bytes)'),
  /** During a rotation only: the AUTH_SECRET being retired (sessions and sealed TOTP secrets made with it still open). */
  AUTH_SECRET_PREVIOUS: key32().optional(),
  SWITCH_API_URL: z.url({ error: 'is required: base URL of the switch API' }),
  SWITCH_API_TOKEN: z
    .string({ error: 'is required: bearer token for the switch API' })
    .min(16, 'must be at least 16 characters'),
  SWITCH_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  SWITCH_WEBHOOK_SECRET: key32('is required: HMAC key for switch events'),
  /** During a rotation only: the webhook secret being retired; events signed with it are still accepted. */
  SWITCH_WEBHOOK_SECRET_PREVIOUS: key32().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Tollgate <no-reply@localhost>'),
  PASSWORD_MIN_SCORE: z.coerce.number().int().min(0).max(4).default(3),
  /** zxcvbn guesses (log10) a new SIP password must reach; 18 ≈ 3 years of one GPU on a captured MD5 digest. */
  SIP_PASSWORD_MIN_GUESSES_LOG10: z.coerce.number().int().min(10).max(40).default(18),
  /** Unset: emails say "your VoIP provider" in the recipient's language (mail.providerDefault). */
  PROVIDER_NAME: z.string().min(1).optional(),
  SUPPORT_CONTACT: z.string().min(1).default('support@example.com'),
  /** Demo only: enables the dev mailbox and the simulator controls. Never set in production. */
  TOLLGATE_DEMO: z.enum(['0', '1']).default('0'),
  /** Where the switch simulator listens, for the demo-only "place a fraud block" control. */
  SWITCH_SIM_CONTROL_URL: z.url().optional(),
  /**
   * How many reverse proxies in front of Tollgate append to X-Forwarded-For. 0 (the default): none, the
   * client is the socket's peer and X-Forwarded-For is ignored. n: the client address is the entry n
   * places from the right; entries further left were written by the client itself (lib/server/request-meta.ts).
   */
  TRUSTED_PROXY_HOPS: z.coerce
    .number({ error: 'must be a whole number of proxies (0 = none in front)' })
    .int()
    .min(0)
    .max(10)
    .default(0),
  /** Bearer token for GET /api/metrics (CONTRACTS §7); unset, the endpoint answers 404. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** pino level of the server's log lines. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Run the outbox workers inside the web process (default). Set 0 to run them elsewhere. */
  TOLLGATE_WORKERS: z.enum(['0', '1']).default('1'),
  /** How often the reconciler compares accounts with the switch's GET (docs/switch-api.md). */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** SQLite only: how long a statement waits for another process's write lock before failing. */
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
});

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Tollgate configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`),
    );
  }
  if (
    result.data.SMTP_URL === undefined &&
    result.data.TOLLGATE_DEMO !== '1' &&
    result.data.NODE_ENV === 'production'
  ) {
    throw new ConfigError(['SMTP_URL: is required outside the demo (smtp://user:pass@host:587)']);
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export const isDemo = () => env().TOLLGATE_DEMO === '1';
