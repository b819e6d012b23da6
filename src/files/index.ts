// Local file trees: listing them safely (see tree.ts).
export { readTree, readTreeSync } from './tree.ts';
