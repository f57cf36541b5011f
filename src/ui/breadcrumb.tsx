/** The breadcrumb trail above a page's heading. */

/** One step back up the trail. */
export interface Crumb {
  href: string;
  label: string;
}

/** The links up to the current page, then the current page itself, marked as such for assistive tech. */
export function Breadcrumb(props: { trail?: readonly Crumb[]; current: string }) {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <ol>
        {(props.trail ?? []).map((c) => (
          <li>
            <a href={c.href}>{c.label}</a>
          </li>
        ))}
        <li aria-current="page">{props.current}</li>
      </ol>
    </nav>
  );
}
