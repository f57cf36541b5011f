/** What the home feature offers the rest of the app. */
export { homeRoutes } from "./routes.tsx";
