import {defaultFlapping} from './defaults.js';
import {quote, type IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import type {FlappingConfig} from './types.js';
import {boolean, seconds, wholeNumber} from './values.js';

/**
`[plugin:NAME]` sections. procui runs no Python plugins: each is one warning at its header.
The exception is Circus's flapping plugin, whose rule procui has built in: its `attempts`,
`window`, `retry_in`, `max_retry` and `active` become the defaults of every watcher (which
`flapping.*` and `check_flapping` on a watcher override, as with the plugin).
*/
export function readPlugins(readers: readonly SectionReader[], issues: IssueList): FlappingConfig {
	let flapping = defaultFlapping;
	let flappingSection: string | undefined;
	for (const reader of readers) {
		const use = reader.text('use')?.trim() ?? '';
		if (!/^circus\.plugins\.flapping\.Flapping$/i.test(use)) {
			issues.warn(reader.section.origin, `[${reader.section.name}]: plugins are not supported (use = ${quote(use)}); this section is ignored`);
			continue;
		}

		if (flappingSection !== undefined) {
			issues.warn(reader.section.origin, `[${reader.section.name}]: the flapping plugin is already configured by [${flappingSection}]; this section is ignored`);
			continue;
		}

		flappingSection = reader.section.name;
		flapping = {
			attempts: reader.read('attempts', wholeNumber(1), defaultFlapping.attempts),
			window: reader.read('window', seconds({above: true}), defaultFlapping.window),
			retryIn: reader.read('retry_in', seconds(), defaultFlapping.retryIn),
			maxRetry: reader.read('max_retry', wholeNumber(-1), defaultFlapping.maxRetry),
			enabled: reader.read('active', boolean, true),
		};
		for (const entry of reader.unused()) {
			issues.warn(entry.origin, `${entry.key}: procui's built-in flapping rule takes only attempts, window, retry_in, max_retry and active; ignored`);
		}
	}

	return flapping;
}
