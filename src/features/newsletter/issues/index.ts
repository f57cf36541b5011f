/**
 * What the newsletter's parts share about an issue: its content, how it is stored, numbered and
 * rendered (email and page sections), the addresses it links to, and who it goes to. The other
 * parts (subscriptions, archive, admin, delivery) import only from here; this part imports none
 * of them.
 */
export { isEmptyContent, issueSummaryLine } from "./content.ts";
export {
  comparisonFacts,
  formatPeriod,
  type IssueParts,
  introParagraphs,
  moverMove,
  moverVotes,
  renderIssueEmail,
  SECTION_TITLES,
  verdictFacts,
} from "./email.ts";
export { confirmUrl, issuePath, parseIssueNumber, preferencesUrl, unsubscribeUrl } from "./links.ts";
export { confirmedRecipientsCount, followedCategories } from "./recipients.ts";
export { IssueSections } from "./sections.tsx";
export {
  createIssue,
  getIssue,
  type IssuePreview,
  listSentIssues,
  markIssueSent,
  NEWSLETTER_NAME,
  nextIssueNumber,
  previewIssue,
} from "./store.ts";
export type { Issue, IssueComparison, IssueContent, Recipient, RenderedIssue } from "./types.ts";
