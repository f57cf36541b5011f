/** A reader's own data: the privacy page, downloading it, and deleting the account (by its holder or an admin). */
export { accountData } from "./data.ts";
export { DELETED_ACCOUNT, deleteAccount } from "./deletion.ts";
export { privacyRoutes } from "./routes.tsx";
