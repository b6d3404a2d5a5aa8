/** Shell-like word splitting for clients (the TUI's `:` prompt), the same the supervisor uses for `cmd`. */
export {shlexQuote, shlexSplit} from '../config/shlex.js';
