export { AuditLog, auditOfDecision, auditSubject } from "./audit-log.ts";
