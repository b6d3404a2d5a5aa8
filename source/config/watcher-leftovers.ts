import type {IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import {boolean} from './values.js';
import {didYouMean} from './unknown-options.js';

/** The watcher options procui reads (for suggestions). */
export const watcherOptions = [
	'cmd', 'args', 'executable', 'shell', 'shell_args', 'working_dir', 'uid', 'gid', 'env',
	'copy_env', 'copy_path', 'numprocesses', 'warmup_delay', 'autostart', 'respawn', 'singleton',
	'priority', 'stop_signal', 'stop_children', 'graceful_timeout', 'max_retry', 'max_age',
	'max_age_variance', 'send_hup', 'use_sockets', 'on_demand', 'close_child_stdin',
	'close_child_stdout', 'close_child_stderr', 'check_flapping', 'pty', 'procui.scrollback',
	'procui.backoff', 'virtualenv', 'virtualenv_py_ver', 'procui.hook_timeout',
];

/** Watcher options of Circus that procui does not have, and why. */
const unsupported: Readonly<Record<string, string>> = {
	stdin_socket: 'procui does not connect sockets to stdin',
	stream_backend: 'procui has one stream backend',
};

/**
Report the options of a watcher section that nothing read. They stay in `raw` (for `options`
and `get`, as Circus keeps free-form options for plugins), but procui does nothing with them,
so each gets a warning: Python-only options by their reason, free-form dotted options
(plugin settings) as kept, `procui.*` and plain names as unknown.
*/
export function warnLeftovers(reader: SectionReader, issues: IssueList): void {
	for (const entry of reader.unused()) {
		const key = entry.key;
		if (key === 'use_papa') {
			if (boolean.read(reader.substitute(entry)) !== false) {
				issues.warn(entry.origin, `${key}: procui does not use papa; ignored`);
			}
		} else if (unsupported[key] !== undefined) {
			issues.warn(entry.origin, `${key}: ${unsupported[key]}; ignored`);
		} else if (key.startsWith('procui.')) {
			issues.warn(entry.origin, `${key}: unknown procui option${didYouMean(key, watcherOptions)}; ignored`);
		} else if (key.includes('.') && !key.startsWith('stdout_stream') && !key.startsWith('stderr_stream')) {
			issues.warn(entry.origin, `${key}: free-form option, kept for \`options\` and \`get\`; procui runs no plugins that would read it`);
		} else {
			issues.warn(entry.origin, `${key}: unknown watcher option${didYouMean(key, watcherOptions)}; kept for \`options\` and \`get\`, otherwise ignored`);
		}
	}
}
