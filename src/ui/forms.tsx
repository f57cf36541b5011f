/** Pieces every form shares: the CSRF token and the path to come back to. */
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
