/**
 * The compression bench: what each brotli quality and gzip level costs and saves on the
 * reference comparison page (the page `npm run bench -- pages` loads), the stylesheet and a
 * page of the JSON API's catalog, compressed in this process with node:zlib as the server does.
 * Prints size, ratio and the mean time per compression; no assertion. The figures chose
 * LEVELS in src/http/compression.ts (docs/decisions/017-compression.md).
 * Alone: `npx tsx bench/compression.ts`; in the suite: `npm run bench -- compression`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { createApp } from "../src/app.tsx";
import { loadConfig } from "../src/config.ts";
import { prepareDatabase } from "../src/prepare-database.ts";
import { stylesheet } from "../src/ui/assets.ts";

const PAGE = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";
const API = "/api/v1/tools?limit=50";
/** Compressions timed per level and body: enough for a steady mean, short on a shared machine. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

function timed(compressOnce: () => Buffer): { bytes: number; ms: number } {
  // warm the JIT and zlib's allocations before timing
  for (let k = 0; k < 5; k++) compressOnce();
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let k = 0; k < ROUNDS; k++) bytes = compressOnce().length;
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / ROUNDS;
  return { bytes, ms };
}

/** Runs the bench once and prints its figures. */
export async function runCompression(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-"));
  const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: "production", PAGE_CACHE: "off" });
  const handle = await prepareDatabase(config, () => {});
  try {
    const { app } = createApp({ db: handle.db, config });
    const bodies: [string, Buffer][] = [];
    for (const path of [PAGE, API]) {
      const res = await app.request(path);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      bodies.push([path, Buffer.from(await res.arrayBuffer())]);
    }
    bodies.push([stylesheet.path, Buffer.from(stylesheet.body)]);
    for (const [name, body] of bodies) {
      console.log(`\n${name}: ${body.length} bytes`);
      console.log("coding     level   bytes   % of identity   ms per compression");
      const row = (coding: string, level: number, r: { bytes: number; ms: number }) =>
        console.log(
          `${coding.padEnd(10)} ${String(level).padStart(5)} ${String(r.bytes).padStart(7)} ${((100 * r.bytes) / body.length).toFixed(1).padStart(15)} ${r.ms.toFixed(3).padStart(20)}`,
        );
      for (const quality of [1, 3, 4, 5, 6, 7, 9, 10, 11]) {
        const params = {
          [constants.BROTLI_PARAM_QUALITY]: quality,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        };
        row(
          "br",
          quality,
          timed(() => brotliCompressSync(body, { params })),
        );
      }
      for (const level of [1, 6, 9])
        row(
          "gzip",
          level,
          timed(() => gzipSync(body, { level })),
        );
    }
  } finally {
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runCompression();
