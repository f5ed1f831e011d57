/**
 * Digests, URLs, ECR URIs and image references (`repository:tag`): the only tokens allowed to push a
 * line past 80 columns, because breaking them would make them wrong when copied.
 */
const UNBREAKABLE = /sha256:[0-9a-f]{64}|https?:\/\/|\.amazonaws\.com\/|^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_.-]+$/;

/** Lines over 80 columns that are not one long unbreakable token after a short indent or key. */
export const overlong = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => [...line].length > 80)
    .filter((line) => {
      const token = line
        .split(' ')
        .find((word) => [...word].length > 30 && UNBREAKABLE.test(word.replace(/^[`'(]+|[`'),.]+$/g, '')));
      if (token === undefined) return true;
      const before = line.slice(0, line.indexOf(token));
      return [...before].length > 20;
    });
