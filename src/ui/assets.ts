/** Static assets, read once at boot and served under a content-hashed path. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeVariantsSync, type Variants } from "../http/compression.ts";

export interface Asset {
  path: string;
  body: string;
  contentType: string;
}

function hashed(file: string, contentType: string, ext: string): Asset {
  const body = readFileSync(join(import.meta.dirname, file), "utf8");
  const hash = createHash("sha1").update(body).digest("hex").slice(0, 10);
  return { path: `/assets/${file.replace(`.${ext}`, "")}.${hash}.${ext}`, body, contentType };
}

export const stylesheet = hashed("styles.css", "text/css; charset=utf-8", "css");
/** The only script: in-place updates for votes, picks and bookmarks. Pages work without it. */
export const script = hashed("enhance.js", "text/javascript; charset=utf-8", "js");

/** Every hashed asset, by path. */
export const assets = new Map<string, Asset>([
  [stylesheet.path, stylesheet],
  [script.path, script],
]);

let encoded: Map<string, Variants> | undefined;

/**
 * Every asset's br and gzip bodies, by path, compressed at the best effort (they never change
 * while the process runs). Made on the first call, which createApp() makes at startup, and shared
 * by every app of the process.
 */
export function assetVariants(): ReadonlyMap<string, Variants> {
  if (!encoded) {
    encoded = new Map();
    for (const asset of assets.values()) {
      const variants = encodeVariantsSync(Buffer.from(asset.body), asset.contentType);
      if (variants) encoded.set(asset.path, variants);
    }
  }
  return encoded;
}
