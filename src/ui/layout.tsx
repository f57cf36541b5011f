/** The page frame: head, header with navigation, main and footer. */

import type { Child } from "hono/jsx";
import { can, type Role } from "../domain/permissions.ts";
import { script, stylesheet } from "./assets.ts";
import { EmailInput, FormBasics } from "./forms.tsx";
import { Personal } from "./personal.tsx";
import { type PageViewer, useViewer } from "./viewer-context.ts";

export interface LayoutProps {
  title: string;
  description?: string;
  /** Absolute canonical URL of the page. */
  canonical?: string;
  /** The page shows the newsletter call to action itself, so the footer's sign-up would repeat it. */
  withNewsletterCta?: boolean;
  /** Feeds to announce in the head (autodiscovery), e.g. the newsletter's Atom feed. */
  feeds?: { href: string; title: string }[];
  /** Which top-level section is current, for aria-current. */
  section?:
    | "home"
    | "tools"
    | "compare"
    | "categories"
    | "leaderboard"
    | "methodology"
    | "bookmarks"
    | "account"
    | "panel";
  children?: Child;
}

const NAV = [
  { href: "/tools", label: "Tools", key: "tools" },
  { href: "/compare", label: "Compare", key: "compare" },
  { href: "/categories", label: "Categories", key: "categories" },
  { href: "/leaderboard", label: "Leaderboard", key: "leaderboard" },
  { href: "/methodology", label: "Methodology", key: "methodology" },
] as const;

/** Pages of the subscription flow itself, where a second sign-up form in the footer would only distract. */
const SUBSCRIBE_FLOW = /^\/newsletter(\/(check-email|confirm|unsubscribe|preferences))?$/;

/** The header's account links: who is signed in decides them, so they are a personal part. */
function AccountNav(props: { section?: LayoutProps["section"]; role: Role | null }) {
  const { role } = props;
  return (
    <nav class="site-nav account-nav" aria-label="Account">
      <ul>
        <li>
          <a href="/bookmarks" aria-current={props.section === "bookmarks" ? "page" : undefined}>
            Bookmarks
          </a>
        </li>
        {role && can(role, "review:write") ? (
          <li>
            <a href="/panel" aria-current={props.section === "panel" ? "page" : undefined}>
              Panel
            </a>
          </li>
        ) : null}
        {role ? (
          <>
            <li>
              <a href="/account" aria-current={props.section === "account" ? "page" : undefined}>
                Account
              </a>
            </li>
            <li>
              <form action="/sign-out" method="post">
                <FormBasics returnTo="/" />
                <button type="submit" class="link-button">
                  Sign out
                </button>
              </form>
            </li>
          </>
        ) : (
          <li>
            <a href="/sign-in">Sign in</a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/** Wraps page content in the site's frame. */
export function Layout(props: LayoutProps) {
  const viewer = useViewer();
  const title = props.title === "Ship or Skip" ? props.title : `${props.title} · Ship or Skip`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        {(props.feeds ?? []).map((f) => (
          <link rel="alternate" type="application/atom+xml" title={f.title} href={f.href} />
        ))}
        <link rel="stylesheet" href={stylesheet.path} />
        <meta name="color-scheme" content="light dark" />
        <script src={script.path} defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap">
            <a class="brand" href="/" aria-current={props.section === "home" ? "page" : undefined}>
              Ship <span>or</span> Skip
            </a>
            <nav class="site-nav" aria-label="Main">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a href={n.href} aria-current={props.section === n.key ? "page" : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <Personal
              of={AccountNav}
              with={{ section: props.section }}
              pick={(v: PageViewer) => ({ role: v.user?.role ?? null })}
            />
          </div>
        </header>
        <p id="live" class="skip-link" aria-live="polite" />
        <main id="main" class="wrap">
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            {/* the newsletter on every page; ids differ from the call to action's, which can share the page */}
            {props.withNewsletterCta || SUBSCRIBE_FLOW.test(viewer.path.split("?")[0] ?? "") ? null : (
              <form class="footer-subscribe" action="/newsletter" method="post">
                <FormBasics />
                <label for="footer-newsletter-email">Weekly AI Tool Verdicts, once a week by email</label>
                <div class="footer-subscribe-row">
                  <EmailInput id="footer-newsletter-email" />
                  <button type="submit" class="secondary">
                    Subscribe<span class="skip-link"> to the newsletter</span>
                  </button>
                </div>
              </form>
            )}
            <p>
              Ship or Skip: a four-lens panel verdict, a pricing read and a community vote for every AI tool.
              Starter reviews are by the sample panel. <a href="/methodology">How the numbers work</a>.{" "}
              <a href="/api">The JSON API</a>. <a href="/privacy">Privacy</a>.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
