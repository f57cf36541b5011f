/** What the audit feature offers the rest of the app. */
export { type Actor, accountSubject, CLI_ACTOR, recordAudit } from "./log.ts";
