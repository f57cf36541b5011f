/** Admin catalog pages: the list of tools, and the form that adds or edits one. */
import {
  DEPLOYMENTS,
  type Deployment,
  PRICING_MODELS,
  type PricingModel,
  type ToolProfileInput,
} from "../../domain/catalog-schema.ts";
import { panelVerdictLabel } from "../../domain/panel.ts";
import { pricingModelName } from "../../domain/pricing-read.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import {
  AreaField,
  FieldError,
  type FieldErrors,
  FormBasics,
  fieldDescribedBy,
  fieldId,
  SelectField,
  TextField,
} from "../../ui/forms.tsx";
import { DEPLOYMENT_LABELS, formatUtcMinute, plural } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import { CLI_ACTOR } from "../audit/index.ts";
import type { ToolFormValues } from "./form-values.ts";
import type { ProfileField } from "./profile.ts";
import type { AdminToolRow, ToolFormOptions } from "./service.ts";

/** A refused edit: someone saved the tool after the form was opened. */
export interface ConflictNotice {
  /** Their save's stamp (ISO). */
  savedAt: string;
  /** Their email from the audit log ("cli" for an import); null when unknown. */
  savedBy: string | null;
  /** The fields where the refused text differs from theirs, with their value. */
  differences: { field: ProfileField; theirs: unknown }[];
}

export type { FieldErrors } from "../../ui/forms.tsx";

/** What the list page says about the last save. */
export interface SaveNotice {
  action: "add" | "update" | "unchanged";
  slug: string;
  name: string;
}

const ACCOUNT_CRUMB = { href: "/account", label: "Account" };

function NoticeLine(props: { notice: SaveNotice }) {
  const { notice } = props;
  const link = <a href={`/tools/${notice.slug}`}>{notice.name}</a>;
  return (
    <p class="callout notice" role="status">
      {notice.action === "add" ? (
        <>Added {link}. Its panel is in progress, so it is in the panel's queue.</>
      ) : notice.action === "update" ? (
        <>Saved the changes to {link}. Pages show them now.</>
      ) : (
        <>Nothing changed: {link} already had those values.</>
      )}
    </p>
  );
}

/** /admin/tools: every tool with an edit link, and the way to add one. */
export function CatalogAdminPage(props: { tools: AdminToolRow[]; notice?: SaveNotice }) {
  return (
    <Layout title="Catalog" section="account">
      <Breadcrumb trail={[ACCOUNT_CRUMB]} current="Catalog" />
      <div class="section-head">
        <h1>Catalog</h1>
        <a class="button" href="/admin/tools/new">
          Add a tool
        </a>
      </div>
      {props.notice ? <NoticeLine notice={props.notice} /> : null}
      <p class="lede">
        {plural(props.tools.length, "tool")}. Edit one to change its profile, pricing or competitors; every
        change is recorded in the <a href="/admin/audit">audit log</a>.
      </p>
      <p class="muted small">
        Many at once: <code>npm run cli -- tools:import tools.csv --dry-run</code> shows what a JSON or CSV
        file would change, and without <code>--dry-run</code> imports it whole or not at all.
      </p>
      <div class="table-scroll">
        <table aria-labelledby="catalog-heading">
          <caption id="catalog-heading" class="skip-link">
            Tools in the catalog
          </caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Category</th>
              <th scope="col">Panel</th>
              <th scope="col">Last change (UTC)</th>
              <th scope="col">
                <span class="skip-link">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.tools.map((t) => (
              <tr>
                <th scope="row">
                  <a href={`/tools/${t.slug}`}>{t.name}</a>
                  <span class="muted small"> · {t.vendor}</span>
                </th>
                <td>{t.categoryName}</td>
                <td>{panelVerdictLabel({ verdict: t.panelVerdict, published: t.panelPublished })}</td>
                <td>{formatUtcMinute(t.updatedAt)}</td>
                <td>
                  <a href={`/admin/tools/${t.slug}/edit`} aria-label={`Edit ${t.name}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** Labels of the form's fields, for the error summary's links. */
function labelFor(name: string): string {
  const row = /^(pricing\.units|competitors)\.(\d)\.(\w+)$/.exec(name);
  if (row) {
    const n = Number(row[2]) + 1;
    return row[1] === "competitors" ? `Competitor ${n}` : `Unit price ${n} (${row[3]})`;
  }
  const labels: Record<string, string> = {
    slug: "Slug",
    name: "Name",
    vendor: "Vendor",
    category: "Category",
    bestFor: "Best for",
    description: "Description",
    homepage: "Homepage",
    deployment: "Deployment",
    addedAt: "Added to the catalog",
    "pricing.model": "Pricing model",
    "pricing.entry": "Entry price",
    "pricing.freeTier": "Free tier",
    "pricing.license": "Licence",
    "pricing.units": "Unit prices",
    "pricing.detail": "Pricing detail",
    "pricing.asOf": "Prices as of",
    competitors: "Competitors",
  };
  return labels[name] ?? name;
}

/** Where a summary link jumps to: the field's input (the checkboxes' first box for deployment). */
function anchorFor(name: string): string {
  if (name === "deployment") return `#${fieldId(`deployment.${DEPLOYMENTS[0]}`)}`;
  if (name === "pricing.units") return `#${fieldId("pricing.units.0.label")}`;
  if (name === "competitors") return `#${fieldId("competitors.0.slug")}`;
  return `#${fieldId(name)}`;
}

type Pricing = ToolProfileInput["pricing"];

/** A stored value of one profile field, as plain words for the conflict message. */
function describeValue(field: ProfileField, value: unknown, options: ToolFormOptions): string {
  const none = "(empty)";
  switch (field) {
    case "deployment":
      return (value as Deployment[]).map((d) => DEPLOYMENT_LABELS[d] ?? d).join(", ") || none;
    case "category":
      return options.categories.find((c) => c.slug === value)?.name ?? String(value);
    case "pricing.model":
      return pricingModelName(value as PricingModel);
    case "pricing.freeTier":
      return value ? "yes" : "no";
    case "pricing.units":
      return (value as Pricing["units"]).map((u) => `${u.label}: $${u.usd} per ${u.unit}`).join("; ") || none;
    case "competitors":
      return (
        (value as ToolProfileInput["competitors"])
          .map((c) => (c.slug ? `${c.name} (${c.slug})` : c.name))
          .join("; ") || none
      );
    default:
      return typeof value === "string" && value !== "" ? value : none;
  }
}

/** The 409 callout: who saved the tool when, and their value of every field where the texts differ. */
function ConflictCallout(props: { conflict: ConflictNotice; slug?: string; options: ToolFormOptions }) {
  const { conflict } = props;
  const who =
    conflict.savedBy === null
      ? "Someone else"
      : conflict.savedBy === CLI_ACTOR.email
        ? "An import from the command line"
        : conflict.savedBy;
  return (
    <div class="callout notice-error" role="alert">
      <p>
        {who} saved this tool at {formatUtcMinute(conflict.savedAt)} UTC (see the{" "}
        <a href="/admin/audit">audit log</a>); your changes are below and were not saved.
      </p>
      {conflict.differences.length > 0 ? (
        <>
          <p>Review their version: where your text differs from theirs, theirs is:</p>
          <ul>
            {conflict.differences.map((d) => (
              <li>
                <a href={anchorFor(d.field)}>{labelFor(d.field)}</a>:{" "}
                {describeValue(d.field, d.theirs, props.options)}
              </li>
            ))}
          </ul>
          <p>
            Save again to overwrite their version with yours, or{" "}
            <a href={`/admin/tools/${props.slug}/edit`}>open the form afresh</a> to start from theirs (your
            changes would be lost).
          </p>
        </>
      ) : (
        <p>Their version already has every value you sent, so saving again changes nothing.</p>
      )}
    </div>
  );
}

/** Above the form: where the tool's page is, or what adding one does. */
function FormIntro(props: { slug?: string }) {
  return props.slug ? (
    <p class="lede">
      The public page: <a href={`/tools/${props.slug}`}>/tools/{props.slug}</a>. Saving records the changed
      fields in the audit log.
    </p>
  ) : (
    <p class="lede">
      A new tool starts with no panel reviews, so it goes into the panel's queue. Its page is public as soon
      as you save.
    </p>
  );
}

/** The refused save's summary: each field in error, linked to its input. */
function ErrorSummary(props: { errors: FieldErrors }) {
  const errorNames = Object.keys(props.errors);
  return errorNames.length > 0 ? (
    <div class="callout notice-error" role="alert">
      <p>
        Nothing was saved: {errorNames.length === 1 ? "one field needs" : `${errorNames.length} fields need`}{" "}
        attention.
      </p>
      <ul>
        {errorNames.map((name) => (
          <li>
            <a href={anchorFor(name)}>{labelFor(name)}</a>: {props.errors[name]}
          </li>
        ))}
      </ul>
    </div>
  ) : null;
}

interface SectionProps {
  values: ToolFormValues;
  errors: FieldErrors;
  options: ToolFormOptions;
}

/** Name, vendor, category, description, homepage, deployment and date added. */
function ToolSection(props: SectionProps & { editing: boolean }) {
  const { values: v, errors, options, editing } = props;
  return (
    <fieldset class="form-section">
      <legend>The tool</legend>
      <TextField
        name="slug"
        label="Slug"
        value={v.slug}
        errors={errors}
        maxlength={80}
        required
        readonly={editing}
        hint={
          editing
            ? "The tool's address. It cannot change: links, comparisons, feeds and badges point at it."
            : "The tool's address, /tools/<slug>: lowercase letters, digits and single hyphens. It cannot change later."
        }
      />
      <TextField name="name" label="Name" value={v.name} errors={errors} maxlength={80} required />
      <TextField name="vendor" label="Vendor" value={v.vendor} errors={errors} maxlength={60} required />
      <SelectField
        name="category"
        label="Category"
        value={v.category}
        errors={errors}
        empty="Choose a category"
        options={options.categories.map((c) => ({ value: c.slug, label: c.name }))}
        required
      />
      <TextField
        name="bestFor"
        label="Best for"
        value={v.bestFor}
        errors={errors}
        maxlength={140}
        required
        hint="One line: the job it does best."
      />
      <AreaField
        name="description"
        label="Description"
        value={v.description}
        errors={errors}
        maxlength={1200}
        rows={6}
        required
      />
      <TextField
        name="homepage"
        label="Homepage"
        type="url"
        value={v.homepage}
        errors={errors}
        required
        hint="An https:// address."
      />
      <fieldset
        class="checks"
        aria-describedby={fieldDescribedBy("deployment", false, Boolean(errors.deployment))}
      >
        <legend>Deployment</legend>
        <ul class="checks-list">
          {DEPLOYMENTS.map((d) => (
            <li>
              <input
                type="checkbox"
                id={fieldId(`deployment.${d}`)}
                name="deployment"
                value={d}
                checked={v.deployment.includes(d)}
              />
              <label for={fieldId(`deployment.${d}`)}>{DEPLOYMENT_LABELS[d]}</label>
            </li>
          ))}
        </ul>
        <FieldError name="deployment" error={errors.deployment} />
      </fieldset>
      <TextField
        name="addedAt"
        label="Added to the catalog"
        type="date"
        value={v.addedAt}
        errors={errors}
        required
        hint="YYYY-MM-DD; the catalog's “newest” sort uses it."
      />
    </fieldset>
  );
}

/** Pricing model, entry price, free tier, licence, unit prices and the prose detail. */
function PricingSection(props: SectionProps) {
  const { values: v, errors } = props;
  return (
    <fieldset class="form-section">
      <legend>Pricing</legend>
      <SelectField
        name="pricing.model"
        label="Pricing model"
        value={v.pricing.model}
        errors={errors}
        empty="Choose a model"
        options={PRICING_MODELS.map((m: PricingModel) => ({ value: m, label: pricingModelName(m) }))}
        required
      />
      <TextField
        name="pricing.entry"
        label="Entry price"
        value={v.pricing.entry}
        errors={errors}
        maxlength={40}
        required
        hint="The cheapest way in, e.g. “Free”, “$20/mo”, “$0.10 / 1M tokens”."
      />
      <div class="checks checks-one">
        <input
          type="checkbox"
          id={fieldId("pricing.freeTier")}
          name="pricing.freeTier"
          value="yes"
          checked={v.pricing.freeTier}
        />
        <label for={fieldId("pricing.freeTier")}>Has a free tier</label>
      </div>
      <TextField
        name="pricing.license"
        label="Licence"
        value={v.pricing.license}
        errors={errors}
        maxlength={60}
        required
        hint="An SPDX id such as Apache-2.0, or “Proprietary”."
      />
      <fieldset class="row-group">
        <legend>Unit prices (optional)</legend>
        <p class="muted small m-0">
          One row per metered item, e.g. “Input tokens”, 3, “1M tokens”. Leave a row empty to skip it; save to
          get more rows (up to 8).
        </p>
        <FieldError name="pricing.units" error={errors["pricing.units"]} />
        {v.pricing.units.map((u, i) => (
          <fieldset class="form-row">
            <legend class="small">Unit price {i + 1}</legend>
            <TextField
              name={`pricing.units.${i}.label`}
              label="Item"
              value={u.label}
              errors={errors}
              maxlength={60}
            />
            <TextField
              name={`pricing.units.${i}.usd`}
              label="USD"
              value={u.usd}
              errors={errors}
              inputmode="decimal"
            />
            <TextField
              name={`pricing.units.${i}.unit`}
              label="Per"
              value={u.unit}
              errors={errors}
              maxlength={40}
            />
          </fieldset>
        ))}
      </fieldset>
      <AreaField
        name="pricing.detail"
        label="Pricing detail"
        value={v.pricing.detail}
        errors={errors}
        maxlength={600}
        rows={4}
        required
        hint="Plain words: plans, limits, what costs extra."
      />
      <TextField
        name="pricing.asOf"
        label="Prices as of"
        type="date"
        value={v.pricing.asOf}
        errors={errors}
        required
      />
    </fieldset>
  );
}

/** Up to eight competitors, each a catalog tool or a name. */
function CompetitorsSection(props: SectionProps & { slug?: string }) {
  const { values: v, errors, options } = props;
  const toolOptions = options.tools
    .filter((t) => t.slug !== props.slug)
    .map((t) => ({ value: t.slug, label: t.name }));
  return (
    <fieldset class="form-section">
      <legend>Competitors (up to 8)</legend>
      <p class="muted small m-0">
        Pick a catalog tool, or type the name of one that is not in the catalog. A name typed next to a picked
        tool is shown as its label.
      </p>
      <FieldError name="competitors" error={errors.competitors} />
      {v.competitors.map((comp, i) => (
        <fieldset class="form-row form-row-pair">
          <legend class="small">Competitor {i + 1}</legend>
          <SelectField
            name={`competitors.${i}.slug`}
            label="In the catalog"
            value={comp.slug}
            errors={errors}
            empty="Not in the catalog"
            options={toolOptions}
          />
          <TextField
            name={`competitors.${i}.name`}
            label="Name"
            value={comp.name}
            errors={errors}
            maxlength={80}
          />
        </fieldset>
      ))}
    </fieldset>
  );
}

/** The add and edit form: every profile field, unit prices and competitors as rows. */
export function ToolFormPage(props: {
  mode: "new" | "edit";
  /** The stored slug when editing. */
  slug?: string;
  /** The stored name when editing, for the heading. */
  storedName?: string;
  values: ToolFormValues;
  /** The edit form's stamp: the tool's updated_at the values rest on. */
  stamp?: string;
  /** Set when the save was refused because someone else saved the tool first. */
  conflict?: ConflictNotice;
  errors: FieldErrors;
  options: ToolFormOptions;
}) {
  const { values: v, options } = props;
  const editing = props.mode === "edit";
  const title = editing ? `Edit ${props.storedName ?? v.name}` : "Add a tool";
  const action = editing ? `/admin/tools/${props.slug}/edit` : "/admin/tools/new";
  return (
    <Layout title={title} section="account">
      <Breadcrumb
        trail={[ACCOUNT_CRUMB, { href: "/admin/tools", label: "Catalog" }]}
        current={editing ? (props.storedName ?? v.name) : "Add a tool"}
      />
      <h1>{title}</h1>
      <FormIntro slug={editing ? props.slug : undefined} />
      {props.conflict ? (
        <ConflictCallout conflict={props.conflict} slug={props.slug} options={options} />
      ) : null}
      <ErrorSummary errors={props.errors} />
      <form method="post" action={action} class="tool-form">
        <FormBasics returnTo="/admin/tools" />
        {/* what the values rest on: a save refuses to overwrite a tool saved since */}
        {editing ? <input type="hidden" name="tool_stamp" value={props.stamp ?? ""} /> : null}
        <ToolSection {...props} editing={editing} />
        <PricingSection {...props} />
        <CompetitorsSection {...props} />
        <p class="form-actions">
          <button type="submit">{editing ? "Save changes" : "Add the tool"}</button>{" "}
          <a href="/admin/tools">Cancel</a>
        </p>
      </form>
    </Layout>
  );
}
