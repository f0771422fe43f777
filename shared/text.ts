/**
 * The form of a name that search compares: lower case, no accents, single spaces. "Café Touba"
 * and "cafe touba" meet; the till and the cloud index the same form.
 */
export function searchForm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’']/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
