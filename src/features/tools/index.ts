/** The tool model, as other features use it. */
export type {
  Category,
  CategoryRef,
  Competitor,
  Review,
  ReviewAnswer,
  ToolDetail,
  ToolRef,
  ToolSummary,
  ToolWithRef,
} from "../../domain/tool.ts";
export {
  baseToolQuery,
  competitorsFor,
  deploymentsFor,
  findToolRefs,
  getTool,
  getTools,
  getToolsWithRefs,
  pricingOf,
  type SummaryRow,
  selectSummaries,
  summaryColumns,
  toolRowOf,
  toolSummaries,
} from "./model.ts";
export { readTool, readToolsWithRefs } from "./read-model.ts";
