// A chat request body as bytes, assembled from the JSON of the payload and the images' data URLs
// encoded once per distinct image (openai-image.ts caches them as bytes). A VQAv2 image is
// 100-200 KB of base64; building it into a JSON string per request, then copying that string to a
// client worker, is most of the main thread's garbage at hundreds of requests per second. Here the
// JSON carries a placeholder per image, and the bytes are spliced in with one copy into a buffer
// that is then handed (transferred, not copied) to the worker that sends it.

import { randomUUID } from 'node:crypto';

let token: string | undefined;

/** The string that stands for image `i` in the payload JSON (random per process, so never in user text). */
export function imagePlaceholder(i: number): string {
  token ??= `vlm-image-${randomUUID()}-`;
  return `${token}${i}`;
}

/** The body: `json` with each image placeholder's string replaced by the image's data URL bytes. */
export function assembleBody(json: string, images: readonly Uint8Array[]): Uint8Array {
  if (images.length === 0) return Buffer.from(json, 'utf8');
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < images.length; i++) {
    const p = imagePlaceholder(i);
    const where = json.indexOf(p, at);
    if (where === -1) throw new Error(`request body: image ${i} has no place in the payload`);
    parts.push(Buffer.from(json.slice(at, where), 'utf8'), images[i]);
    at = where + p.length;
  }
  parts.push(Buffer.from(json.slice(at), 'utf8'));
  return Buffer.concat(parts);
}
