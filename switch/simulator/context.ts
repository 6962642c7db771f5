import type { Db } from './db';
import type { EventSender } from './delivery';
import type { Faults } from './faults';

// What every handler needs. One per running simulator.

export type SimContext = {
  db: Db;
  token: string;
  fingerprintKey: Buffer;
  faults: Faults;
  requests: RequestLog;
  events: EventSender;
};

/** A /v1 request as the control API reports it. Never a body: bodies may hold passwords. */
export type RequestRecord = {
  at: string;
  method: string;
  path: string;
  idempotencyKey: string | null;
  status: number | null;
  replayed: boolean;
  fault: 'drop' | 'fail' | 'delay' | 'fraud' | 'apply_late' | 'ignore' | null;
};

/** The last 500 /v1 requests, in memory: lets a test see retries and the keys they carried. */
export class RequestLog {
  private records: RequestRecord[] = [];

  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
    if (this.records.length > 500) this.records.shift();
    return record;
  }

  list(): RequestRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
  clear(): void {
    this.records = [];
  }
}
