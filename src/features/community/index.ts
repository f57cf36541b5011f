/** Community votes and head-to-head picks. */
export {
  ANY_PICK,
  type CommunityHooks,
  pickScope,
  pickStandingNotice,
  recordPick,
  voteScope,
} from "./record.ts";
export { communityRoutes } from "./routes.tsx";
export {
  type AccountPick,
  type AccountVote,
  type PickSplit,
  type PickStanding,
  pickListOf,
  pickSplit,
  type ReaderPick,
  readerPick,
  removeVotesOf,
  setPick,
  setVote,
  voteListOf,
  votesOf,
} from "./service.ts";
export { HeadToHead } from "./views.tsx";
