// Escaping for HTML, inline SVG and XML (JUnit): model output, labels and ids are untrusted text,
// so every one goes through here before it meets markup. Characters XML 1.0 forbids (most C0
// controls, lone surrogates) become U+FFFD so the document stays well-formed.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute of HTML, SVG or XML. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
