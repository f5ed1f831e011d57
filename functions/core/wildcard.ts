/**
 * True when a name matches a pattern where `*` stands for any run of characters (ECR's repository
 * filters and tag-mutability exclusion filters, and the guard's include/exclude patterns).
 */
export const matchesWildcard = (name: string, pattern: string): boolean => {
  if (!pattern.includes('*')) return name === pattern;
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  // Each middle part must appear in order between the prefix and the suffix; first-fit is enough
  // because `*` matches anything in between (no backtracking, so hostile patterns stay linear).
  let at = first.length;
  const end = name.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
};

/** Include/exclude decision: included by some include pattern and by no exclude pattern. */
export const isRepositoryWatched = (name: string, include: readonly string[], exclude: readonly string[]): boolean =>
  (include.length === 0 || include.some((pattern) => matchesWildcard(name, pattern))) &&
  !exclude.some((pattern) => matchesWildcard(name, pattern));
