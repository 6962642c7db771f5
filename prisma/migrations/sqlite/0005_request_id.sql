-- The request id of the request that wrote an audit row, to find its log lines (docs/operations.md).
ALTER TABLE "AuditLog" ADD COLUMN "requestId" TEXT;
