import type {IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import type {FlappingConfig} from './types.js';
import {boolean, seconds, wholeNumber} from './values.js';
import {didYouMean} from './unknown-options.js';

const options = ['flapping.attempts', 'flapping.window', 'flapping.retry_in', 'flapping.max_retry', 'flapping.active'];

/**
A watcher's flapping rule: `check_flapping` and the flapping plugin's per-watcher overrides
`flapping.attempts`, `flapping.window`, `flapping.retry_in`, `flapping.max_retry`, over
`defaults` (the plugin section's values, or the plugin's own defaults 2 / 1 s / 7 s / 5), and
`flapping.active`, the plugin's per-watcher switch (circus/plugins/flapping.py `check`: a watcher
with it false is never judged; Circus's own example3.ini uses it): off when either it or
`check_flapping` is.
*/
export function readFlapping(reader: SectionReader, defaults: FlappingConfig, issues: IssueList): FlappingConfig {
	const active = reader.read('flapping.active', boolean, true);
	const flapping: FlappingConfig = {
		attempts: reader.read('flapping.attempts', wholeNumber(1), defaults.attempts),
		window: reader.read('flapping.window', seconds({above: true}), defaults.window),
		retryIn: reader.read('flapping.retry_in', seconds(), defaults.retryIn),
		maxRetry: reader.read('flapping.max_retry', wholeNumber(-1), defaults.maxRetry),
		enabled: reader.read('check_flapping', boolean, defaults.enabled) && active,
	};
	for (const entry of reader.unused().filter(candidate => candidate.key.startsWith('flapping.'))) {
		reader.use(entry.key);
		issues.warn(entry.origin, `${entry.key}: unknown flapping option${didYouMean(entry.key, options)} (known: ${options.join(', ')}); ignored`);
	}

	return flapping;
}
