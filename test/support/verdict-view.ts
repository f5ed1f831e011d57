import type { Verdict } from '../../functions/core/verdict.js';
import { type TreeNode, treeOf } from '../../functions/report/tree.js';

/** A verdict with the tree the report layer draws for it, for assertions that read both at once. */
export const withTree = (verdict: Verdict): Verdict & { readonly tree: TreeNode } => ({ ...verdict, tree: treeOf(verdict) });
