/** What the moderation feature offers the rest of the app. */
export { moderationRoutes } from "./routes.tsx";
export { grantRoleAudited } from "./service.ts";
