/**
 * The CLI entry for `isokit ls` alone (bin/isokit.js runs it for `ls` and `list`; scripts/bundle-cli.mjs
 * bundles it apart): about a third of the whole CLI's code to load, which is most of what listing a small
 * image costs above Node's own start. Same dispatcher and behaviour as main.ts for those commands.
 */
import * as ls from './commands/ls.js';
import { singleCommand } from './run.js';

export const main = singleCommand('ls', ls);
