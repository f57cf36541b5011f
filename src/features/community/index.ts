/** Community votes and head-to-head picks. */
export { communityRoutes } from "./routes.tsx";
export { type PickSplit, pickSplit, removeVotesOf, setVote, votesOf } from "./service.ts";
export { HeadToHead } from "./views.tsx";
