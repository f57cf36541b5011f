/** Community votes and head-to-head picks. */
export { type CommunityHooks, communityRoutes } from "./routes.tsx";
export {
  type PickSplit,
  type PickStanding,
  pickSplit,
  pickStanding,
  removeVotesOf,
  setVote,
  votesOf,
} from "./service.ts";
export { HeadToHead } from "./views.tsx";
