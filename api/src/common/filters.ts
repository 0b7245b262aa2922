// Turns a list filter into a Prisma where clause by convention: plain fields match exactly,
// `search` matches any of the given text columns as literal text, `from`/`to` bound the time column.
export interface WhereOptions {
  search?: readonly string[];
  time?: string;
}

export function whereOf(filter: object, options: WhereOptions = {}): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  const and: object[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (key === 'search' && options.search) {
      const literal = likeLiteral(String(value));
      and.push({ OR: options.search.map((column) => ({ [column]: { contains: literal, mode: 'insensitive' } })) });
    } else if ((key === 'from' || key === 'to') && options.time) {
      and.push({ [options.time]: key === 'from' ? { gte: value } : { lt: value } });
    } else if (key === 'tag') {
      and.push({ tags: { has: value } });
    } else {
      where[key] = value;
    }
  }
  return and.length > 0 ? { ...where, AND: and } : where;
}

/** Text Prisma's `contains` (an ILIKE) matches literally: its wildcards `%` and `_` and the escape `\\` escaped. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
