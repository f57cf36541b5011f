/**
 * The app's metrics, scraped at GET /metrics in Prometheus's text format (prom-client).
 *
 * One registry per app, never prom-client's global one: tests run several apps in one process,
 * and each must count only its own requests. Features count what they do (votes, picks,
 * sign-in links, model drafts) through `deps.metrics`; figures that live in the database
 * (newsletter deliveries) are read when scraped, through a reader the composition hands in.
 *
 * The request histogram and the page-cache counters are kept by hand (plain numbers and bucket
 * arrays found without building a label object) and turned into prom-client's shape only when
 * scraped: a page-cache hit is answered in a few microseconds, and prom-client's own
 * `observe({ method, route, status })` would cost it a labels object and a joined key each time
 * (docs/decisions/018-logs-and-metrics.md).
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

/** Upper bounds of the request-duration buckets, in seconds: hits sit in the first, renders further up. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One sample line as prom-client's registry formats it. */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** One series of the request histogram: counts per bucket (not cumulative), sum and count. */
interface Series {
  method: string;
  route: string;
  status: number;
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * http_request_duration_seconds by method, route and status. Series are found through three
 * nested maps (route, then status, then method), so recording one request allocates nothing
 * once its series exists. Routes are patterns ("/tools/:slug"), never raw paths, so the series
 * stay few.
 */
export class RequestDurations {
  readonly name = "http_request_duration_seconds";
  readonly help =
    "Time from a request's arrival to its answer being handed to the socket, by method, route pattern and status.";
  readonly type = "histogram";
  readonly aggregator = "sum" as const;
  private readonly byRoute = new Map<string, Map<number, Map<string, Series>>>();

  /** Records one answered request; `seconds` from its arrival. */
  observe(method: string, route: string, status: number, seconds: number): void {
    let byStatus = this.byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.byRoute.set(route, byStatus);
    }
    let byMethod = byStatus.get(status);
    if (!byMethod) {
      byMethod = new Map();
      byStatus.set(status, byMethod);
    }
    let series = byMethod.get(method);
    if (!series) {
      series = {
        method,
        route,
        status,
        buckets: new Array(DURATION_BUCKETS.length).fill(0),
        sum: 0,
        count: 0,
      };
      byMethod.set(method, series);
    }
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    if (i < DURATION_BUCKETS.length) series.buckets[i]!++;
    series.sum += seconds;
    series.count++;
  }

  /** prom-client's view of the histogram, made at scrape time. */
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    for (const byStatus of this.byRoute.values()) {
      for (const byMethod of byStatus.values()) {
        for (const s of byMethod.values()) {
          const labels = { method: s.method, route: s.route, status: s.status };
          let cumulative = 0;
          DURATION_BUCKETS.forEach((le, i) => {
            cumulative += s.buckets[i]!;
            values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
          });
          values.push({
            metricName: `${this.name}_bucket`,
            labels: { ...labels, le: "+Inf" },
            value: s.count,
          });
          values.push({ metricName: `${this.name}_sum`, labels, value: s.sum });
          values.push({ metricName: `${this.name}_count`, labels, value: s.count });
        }
      }
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.byRoute.clear();
  }
}

/** Newsletter deliveries per state, read from the database at scrape time. */
export type DeliveryCounts = () => Promise<Record<string, number>>;

/** What the app counts; features reach it as `deps.metrics`. */
export interface AppMetrics {
  readonly registry: Registry;
  readonly requests: RequestDurations;
  /** Plain counters, bumped on the page-cache hit path without a call into prom-client. */
  readonly pageCache: { hits: number; misses: number };
  /** Requests past the page cache and not yet answered (a hit is answered before it could count). */
  readonly inFlight: { requests: number };
  readonly votes: Counter;
  readonly picks: Counter;
  readonly signInLinks: Counter;
  /** Model drafting: one per persona asked, labelled by outcome ("drafted", "failed", ...). */
  readonly drafts: Counter<"outcome">;
  /** The text for a scrape, with its content type. */
  scrape(): Promise<{ body: string; contentType: string }>;
}

/**
 * Builds an app's registry and metrics. Process metrics (event-loop lag, memory, CPU, GC) are
 * prom-client's defaults, registered on the first scrape so apps that are never scraped (most
 * tests) start no event-loop monitor.
 */
export function createMetrics(opts: { deliveries?: DeliveryCounts } = {}): AppMetrics {
  const registry = new Registry();
  const requests = new RequestDurations();
  registry.registerMetric(requests as never);
  const pageCache = { hits: 0, misses: 0 };
  new Counter({
    name: "page_cache_hits_total",
    help: "Requests answered from the page cache before reaching the router.",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(pageCache.hits);
    },
  });
  new Counter({
    name: "page_cache_misses_total",
    help: "Anonymous GET and HEAD requests the page cache could not answer (rendered, or not cacheable).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(pageCache.misses);
    },
  });
  const inFlight = { requests: 0 };
  new Gauge({
    name: "http_requests_in_flight",
    help: "Requests being handled past the page cache (this scrape included).",
    registers: [registry],
    collect() {
      this.set(inFlight.requests);
    },
  });
  const votes = new Counter({
    name: "community_votes_total",
    help: "Ship or skip votes cast, changed or withdrawn (forms and the API).",
    registers: [registry],
  });
  const picks = new Counter({
    name: "community_picks_total",
    help: "Head-to-head picks made, changed or withdrawn (forms and the API).",
    registers: [registry],
  });
  const signInLinks = new Counter({
    name: "sign_in_links_sent_total",
    help: "Sign-in links handed to the mailer.",
    registers: [registry],
  });
  const drafts = new Counter({
    name: "model_drafts_total",
    help: 'Personas a model was asked to draft, by outcome; failures are outcome="failed".',
    labelNames: ["outcome"],
    registers: [registry],
  });
  // both delivery gauges read one query per scrape
  let deliveriesRead: ReturnType<DeliveryCounts> | undefined;
  if (opts.deliveries) {
    const query = opts.deliveries;
    const read = () => {
      deliveriesRead ??= query();
      return deliveriesRead;
    };
    new Gauge({
      name: "newsletter_deliveries",
      help: "Newsletter deliveries by state, over every issue (read from the database when scraped).",
      labelNames: ["state"],
      registers: [registry],
      async collect() {
        const counts = await read();
        this.reset();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: "newsletter_queue_depth",
      help: "Newsletter deliveries waiting to be sent (pending, or claimed by a sender and not yet settled).",
      registers: [registry],
      async collect() {
        const counts = await read();
        this.set((counts.pending ?? 0) + (counts.sending ?? 0));
      },
    });
  }
  let defaults = false;
  return {
    registry,
    requests,
    pageCache,
    inFlight,
    votes,
    picks,
    signInLinks,
    drafts,
    async scrape() {
      if (!defaults) {
        defaults = true;
        collectDefaultMetrics({ register: registry });
      }
      deliveriesRead = undefined;
      try {
        return { body: await registry.metrics(), contentType: registry.contentType };
      } finally {
        deliveriesRead = undefined;
      }
    },
  };
}
