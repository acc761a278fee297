/**
 * The CLI entry for `isokit create` alone (bin/isokit.js runs it for `create`; scripts/bundle-cli.mjs
 * bundles it apart): the whole CLI's code would take ~5 MB more of the memory a 100,000-file image is
 * made in. Same dispatcher and behaviour as main.ts for that command.
 */
import * as create from './commands/create.js';
import { singleCommand } from './run.js';

export const main = singleCommand('create', create);
