/** Community votes and head-to-head picks. */
export { communityRoutes } from "./routes.tsx";
export {
  type AccountPick,
  type AccountVote,
  type PickSplit,
  pickListOf,
  pickSplit,
  removeVotesOf,
  setPick,
  setVote,
  voteListOf,
  votesOf,
} from "./service.ts";
export { HeadToHead } from "./views.tsx";
