/** The admin's newsletter pages (overview, preview, sending, one issue's progress): the app mounts these routes. */
export { newsletterAdminRoutes } from "./routes.tsx";
