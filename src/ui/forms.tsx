/** Pieces every form shares: the CSRF token, the path to come back to, the email field, labelled fields. */
import type { Child } from "hono/jsx";
import { EMAIL_MAX_LENGTH } from "../domain/email.ts";
import { Personal } from "./personal.tsx";
import { useViewer } from "./viewer-context.ts";

/** The viewer's CSRF token as a hidden field, when signed in. */
function CsrfField() {
  const viewer = useViewer();
  return viewer.csrfToken ? <input type="hidden" name="_csrf" value={viewer.csrfToken} /> : null;
}

/** Hidden fields: the viewer's CSRF token (a personal part) and the page to return to. */
export function FormBasics(props: { returnTo?: string }) {
  const viewer = useViewer();
  return (
    <>
      <Personal of={CsrfField} with={{}} />
      <input type="hidden" name="return_to" value={props.returnTo ?? viewer.path} />
    </>
  );
}

/** The email field of every sign-up and sign-in form; value and error wiring are optional. */
export function EmailInput(props: {
  id: string;
  value?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
}) {
  return (
    <input
      id={props.id}
      type="email"
      name="email"
      autocomplete="email"
      required
      maxlength={EMAIL_MAX_LENGTH}
      value={props.value}
      aria-invalid={props["aria-invalid"]}
      aria-describedby={props["aria-describedby"]}
    />
  );
}

/** Field name → the message shown next to it. */
export type FieldErrors = Record<string, string>;

/** The id of a field's input, from its form name: "pricing.units.2.usd" → "f-pricing-units-2-usd". */
export const fieldId = (name: string) => `f-${name.replace(/\./g, "-")}`;

/** The hint and error ids a field's input is described by, if any. */
export function fieldDescribedBy(name: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : "", error ? `${fieldId(name)}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** A field's error message, when it has one. */
export function FieldError(props: { name: string; error?: string }) {
  return props.error ? (
    <p class="field-error" id={`${fieldId(props.name)}-error`}>
      {props.error}
    </p>
  ) : null;
}

/** A field's hint, when it has one: read before the input, and announced with it. */
function FieldHint(props: { name: string; hint?: string }) {
  return props.hint ? (
    <p class="field-hint muted small" id={`${fieldId(props.name)}-hint`}>
      {props.hint}
    </p>
  ) : null;
}

interface FieldProps {
  name: string;
  label: string;
  value: string;
  errors: FieldErrors;
  hint?: string;
  required?: boolean;
}

/** Label, hint, the control and its error: the one layout of every form field. */
function Field(props: FieldProps & { children: Child }) {
  return (
    <div class="field">
      <label for={fieldId(props.name)}>{props.label}</label>
      <FieldHint name={props.name} hint={props.hint} />
      {props.children}
      <FieldError name={props.name} error={props.errors[props.name]} />
    </div>
  );
}

/** A control's link to its hint and error, and whether it holds an error. */
function errorWiring(props: FieldProps) {
  const error = props.errors[props.name];
  return {
    "aria-invalid": error ? ("true" as const) : undefined,
    "aria-describedby": fieldDescribedBy(props.name, Boolean(props.hint), Boolean(error)),
  };
}

/** A one-line input with its label, hint and error. */
export function TextField(
  props: FieldProps & {
    type?: "text" | "url" | "date" | "number";
    maxlength?: number;
    readonly?: boolean;
    inputmode?: "decimal" | "numeric";
    min?: number;
    max?: number;
    step?: number;
  },
) {
  return (
    <Field {...props}>
      <input
        id={fieldId(props.name)}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        maxlength={props.maxlength}
        required={props.required}
        readonly={props.readonly}
        inputmode={props.inputmode}
        min={props.min}
        max={props.max}
        step={props.step}
        {...errorWiring(props)}
      />
    </Field>
  );
}

/** A textarea with its label, hint and error. */
export function AreaField(props: FieldProps & { rows: number; maxlength?: number }) {
  return (
    <Field {...props}>
      <textarea
        id={fieldId(props.name)}
        name={props.name}
        rows={props.rows}
        maxlength={props.maxlength}
        required={props.required}
        {...errorWiring(props)}
      >
        {props.value}
      </textarea>
    </Field>
  );
}

/** A select with an empty first choice, its label, hint and error. */
export function SelectField(
  props: FieldProps & {
    options: { value: string; label: string }[];
    /** The label of the empty choice. */
    empty: string;
  },
) {
  const known = props.value === "" || props.options.some((o) => o.value === props.value);
  return (
    <Field {...props}>
      <select id={fieldId(props.name)} name={props.name} required={props.required} {...errorWiring(props)}>
        <option value="" selected={props.value === ""}>
          {props.empty}
        </option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
        {/* a value the list no longer has stays visible, so a refused form loses nothing */}
        {known ? null : (
          <option value={props.value} selected>
            {props.value}
          </option>
        )}
      </select>
    </Field>
  );
}
