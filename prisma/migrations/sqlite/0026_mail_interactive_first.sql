-- 0026: the mail worker claims the due mail a person is waiting for (a sign-in link, an enrolment or
-- move code, an unlock link: lib/mail/delivery-policy.ts LANES) before the rest, whatever its due
-- time (lib/mail/worker.ts claimNext). On the status and due-time index alone, that first claim
-- read every due row of a fraud wave's backlog (10–15 k block notices) to find none, at every
-- message sent. With the template in the index it reads only the due rows of those templates.
-- The build reads the table once and holds writes to "MailMessage" (new mail) while it runs.
CREATE INDEX "MailMessage_status_template_nextAttemptAt_idx" ON "MailMessage"("status", "template", "nextAttemptAt");
