-- 0013: the reconciler asks "did anything change since I read the switch?" on the portal's clock.
-- CustomerAccount.switchAppliedAt: the portal's time when it last applied a change from the switch
-- (an event, a confirmation). switchChangedAt stays the switch's clock, for ordering events; the
-- reconciler's read time is the portal's, so comparing it with switchChangedAt mixed two clocks.
-- Existing rows start from switchChangedAt (the best known time of their last change), but never
-- later than the portal's now: a switch clock that ran ahead must not hold the reconciler back.
ALTER TABLE "CustomerAccount" ADD COLUMN "switchAppliedAt" DATETIME;
UPDATE "CustomerAccount" SET "switchAppliedAt" = CASE
  WHEN "switchChangedAt" > strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
  ELSE "switchChangedAt" END;
