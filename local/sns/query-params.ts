/** A decoded `application/x-www-form-urlencoded` query-protocol body. */
export type QueryParams = ReadonlyMap<string, string>;

/** Decodes a form body; later duplicates win, as the query protocol never repeats a key. */
export const parseQueryParams = (body: string): QueryParams => new Map(new URLSearchParams(body).entries());

/**
 * Reads a query-protocol map (`Prefix.entry.N.<keyName>` / `Prefix.entry.N.<valueName>`) into an object.
 * Returns the entries in index order; a missing value is reported as undefined.
 */
export const readQueryMap = (
  params: QueryParams,
  prefix: string,
  keyName = 'key',
  valueName = 'value',
): readonly { readonly key: string; readonly value: string | undefined; readonly index: number }[] => {
  const entries: { key: string; value: string | undefined; index: number }[] = [];
  for (let index = 1; params.has(`${prefix}.entry.${index}.${keyName}`); index += 1) {
    entries.push({
      key: params.get(`${prefix}.entry.${index}.${keyName}`) ?? '',
      value: params.get(`${prefix}.entry.${index}.${valueName}`),
      index,
    });
  }
  return entries;
};

/** Reads a query-protocol list of structures (`Prefix.member.N.Field`). */
export const readQueryMembers = (
  params: QueryParams,
  prefix: string,
  fields: readonly string[],
): readonly Record<string, string>[] => {
  const members: Record<string, string>[] = [];
  for (let index = 1; fields.some((field) => params.has(`${prefix}.member.${index}.${field}`)); index += 1) {
    const member: Record<string, string> = {};
    for (const field of fields) {
      const value = params.get(`${prefix}.member.${index}.${field}`);
      if (value !== undefined) member[field] = value;
    }
    members.push(member);
  }
  return members;
};
