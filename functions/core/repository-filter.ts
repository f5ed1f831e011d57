/** True when a repository name matches a pattern where `*` stands for any run of characters. */
export const matchesRepositoryPattern = (name: string, pattern: string): boolean => {
  if (!pattern.includes('*')) return name === pattern;
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  // Greedy-free scan: each middle part must appear in order between the prefix and the suffix.
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
  (include.length === 0 || include.some((pattern) => matchesRepositoryPattern(name, pattern))) &&
  !exclude.some((pattern) => matchesRepositoryPattern(name, pattern));
