export { auditOfDecision, auditSubject } from "./entries.ts";
