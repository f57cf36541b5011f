/** Pieces every form shares: the CSRF token, the path to come back to, the email field. */
import { EMAIL_MAX_LENGTH } from "../domain/email.ts";
import { useViewer } from "./viewer-context.ts";

/** Hidden fields: the viewer's CSRF token (when signed in) and the page to return to. */
export function FormBasics(props: { returnTo?: string }) {
  const viewer = useViewer();
  return (
    <>
      {viewer.csrfToken ? <input type="hidden" name="_csrf" value={viewer.csrfToken} /> : null}
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
