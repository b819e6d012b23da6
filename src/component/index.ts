// Components of a project, end to end: prepare their sources, render, diff and build them.
export * from './prepare.ts';
export * from './render.ts';
export * from './build.ts';
export * from './diff.ts';
export * from './upstream.ts';
