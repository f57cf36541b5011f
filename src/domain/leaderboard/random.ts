/** A small seeded generator and the draws the bootstrap needs; no global state. */

/** A uniform generator on [0, 1) from a 32-bit seed (a multiply-xorshift mix over a Weyl sequence). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller; the second value is dropped for simplicity). */
export function normalDraw(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A Binomial(n, p) draw: exact inversion while the expected count of the rarer side is small,
 * the rounded normal approximation above that (error well below one count at that size).
 */
export function binomialDraw(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  let x: number;
  if (n * q < 30) {
    const s = q / (1 - q);
    const a = (n + 1) * s;
    let f = (1 - q) ** n;
    let u = random();
    x = 0;
    while (u > f && x < n) {
      u -= f;
      x += 1;
      f *= a / x - s;
    }
  } else {
    const mean = n * q;
    x = Math.round(mean + Math.sqrt(mean * (1 - q)) * normalDraw(random));
    x = Math.min(n, Math.max(0, x));
  }
  return flip ? n - x : x;
}
