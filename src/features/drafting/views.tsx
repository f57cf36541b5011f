/** The "Draft with model" control shown on a tool's panel page (stub, being built). */

export interface ModelDraftControlProps {
  toolSlug: string;
  /** The model's name when LLM_BASE_URL and LLM_MODEL are set; undefined when drafting is off. */
  model: string | undefined;
  /** Personas to draft; all that lack a published review and a panelist's draft when omitted. */
  personas?: string[];
}

/** A form (with FormBasics for CSRF) that asks the model for this tool's missing persona drafts, or how to turn drafting on. */
export function ModelDraftControl(_props: ModelDraftControlProps) {
  return null;
}
