/** The API's operations for a token's own account: /me, and its votes, picks and bookmarks. */
export { ACCOUNT_TAGS, accountOperations } from "./operations.ts";
