// Keeps secrets out of everything a backend throws or a run writes: the API key a server may echo
// back, and the user:password part of a URL (Node's fetch quotes the whole URL in its errors).

/** `scheme://user:password@host` → `scheme://***@host`, wherever a URL appears in `text`. */
export function stripUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi, '$1***@');
}

/** Replaces every occurrence of `secret` in `text` and any URL credentials; `secret` may be absent. */
export function redact(text: string, secret: string | undefined): string {
  const scrubbed = stripUrlCredentials(text);
  return secret ? scrubbed.split(secret).join('***') : scrubbed;
}
