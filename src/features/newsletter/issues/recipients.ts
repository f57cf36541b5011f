/**
 * Who an issue goes to: the confirmed subscribers and the categories each follows (their issue
 * leads with those). Subscriptions write these rows; delivery and the admin page read them here.
 */
import type { Db } from "../../../db/types.ts";

/** The category slugs each subscriber follows, in name order; one query however many subscribers. */
export async function followedCategories(
  db: Db,
  subscriberIds: readonly number[],
): Promise<Map<number, string[]>> {
  const follows = new Map<number, string[]>();
  if (subscriberIds.length === 0) return follows;
  const rows = await db
    .selectFrom("subscriber_categories")
    .innerJoin("categories", "categories.id", "subscriber_categories.category_id")
    .select(["subscriber_categories.subscriber_id", "categories.slug"])
    .where("subscriber_categories.subscriber_id", "in", subscriberIds)
    .orderBy("categories.name")
    .execute();
  for (const r of rows) {
    const list = follows.get(r.subscriber_id) ?? [];
    list.push(r.slug);
    follows.set(r.subscriber_id, list);
  }
  return follows;
}

/** How many addresses an issue would go to now. */
export async function confirmedRecipientsCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom("subscribers")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("status", "=", "confirmed")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
