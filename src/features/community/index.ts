/** Community votes and head-to-head picks. */
export { type CommunityHooks, communityRoutes } from "./routes.tsx";
export {
  type AccountPick,
  type AccountVote,
  type PickSplit,
  type PickStanding,
  pickListOf,
  pickSplit,
  pickStanding,
  removeVotesOf,
  setPick,
  setVote,
  voteListOf,
  votesOf,
} from "./service.ts";
export { HeadToHead } from "./views.tsx";
