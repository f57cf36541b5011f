/** Subscribing to the newsletter (double opt-in), unsubscribing and preferences: the app mounts these routes. */
export { newsletterSubscribeRoutes } from "./routes.tsx";
export { CONFIRM_TTL_MS } from "./service.ts";
