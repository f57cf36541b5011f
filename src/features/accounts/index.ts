/** Accounts: sign-in links, sessions, roles, and the routes for them. */
export { findTokenCaller } from "./api-tokens.ts";
export { accountRoutes } from "./routes.tsx";
export {
  createSignInLink,
  endAllSessions,
  ensureUser,
  findSessionUser,
  grantRole,
  LINK_TTL_MS,
  SESSION_TTL_MS,
} from "./service.ts";
export { clearSessionCookie, SESSION_COOKIE, sessionTokenIn, viewerMiddleware } from "./session.ts";
export { OutboxNote } from "./views.tsx";
