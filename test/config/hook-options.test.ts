import {describe, expect, it} from 'vitest';
import {loadIni, summarize} from './fixtures.js';

/** circus/config.py reads `hooks.<name> = dotted.name[, ignore_failure]`; procui runs a program instead. */
describe('hooks.<name>', () => {
	it('reads a command and Circus\'s ignore-failure flag; stop and signal hooks ignore failures by default (Watcher.ignore_hook_failure)', () => {
		const config = loadIni([
			'[watcher:w]',
			'cmd = x',
			'hooks.before_start = ./scripts/migrate.sh --check',
			'hooks.after_start = curl -fs localhost:8080/health, true',
			'hooks.before_stop = ./drain.sh',
			'hooks.after_reap = logger "reaped $PROCUI_PID", false',
			'procui.hook_timeout = 5',
			'',
		].join('\n'));
		expect(config.watchers[0]).toMatchObject({
			hooks: {
				before_start: {command: './scripts/migrate.sh --check', ignoreFailure: false},
				after_start: {command: 'curl -fs localhost:8080/health', ignoreFailure: true},
				before_stop: {command: './drain.sh', ignoreFailure: true},
				after_reap: {command: 'logger "reaped $PROCUI_PID"', ignoreFailure: false},
			},
			hookTimeout: 5,
		});
		expect(config.warnings).toEqual([]);
	});

	it('warns about a dotted Python name, extended_stats and an unknown hook, and runs none of them', () => {
		const config = loadIni('[watcher:w]\ncmd = x\nhooks.before_start = myapp.hooks.check_db, true\nhooks.extended_stats = myapp.stats\nhooks.before_launch = ./x.sh\n');
		expect(config.watchers[0]!.hooks).toBeUndefined();
		expect(summarize(config.warnings)).toEqual([
			'3: hooks.before_start: "myapp.hooks.check_db" looks like a Python callable, which procui cannot run; give an executable or a shell command instead (hooks.before_start = ./scripts/before_start.sh); ignored',
			'4: hooks.extended_stats: procui\'s stats cannot be extended by a program; ignored',
			'5: hooks.before_launch: not one of Circus\'s hooks (before_start, after_start, before_spawn, after_spawn, before_stop, after_stop, before_signal, after_signal, before_reap, after_reap); ignored',
		]);
	});

	it('takes a dotted name that is a file beside the working_dir as a program', () => {
		const config = loadIni('[watcher:w]\ncmd = x\nhooks.before_start = check.sh\n', {'check.sh': '#!/bin/sh\n'});
		expect(config.watchers[0]!.hooks?.before_start?.command).toBe('check.sh');
	});
});
