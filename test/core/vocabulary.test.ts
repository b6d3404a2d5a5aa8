import {describe, expect, test} from 'vitest';
import {parseCtlArgs} from '../../source/control/ctl-args.js';
import {ctlCommands, requestNames, vocabulary, type CommandName} from '../../source/core/vocabulary.js';
import {helpEntries} from '../../source/ui/components/HelpOverlay.js';

/** Words for each ctl command that use every option it has. */
const samples: Readonly<Record<string, readonly string[]>> = {
	add: ['--start', 'web', 'sleep', '10'],
	rm: ['web', '--nostop'],
	start: ['web*', '--match', 'glob'],
	stop: ['web', '--match', 'simple'],
	restart: ['web', '--match', 'regex'],
	reload: ['web', '--terminate', '--sequential'],
	reloadconfig: [],
	quit: [],
	incr: ['web', '2'],
	decr: ['web', '2'],
	numprocesses: ['web'],
	numwatchers: [],
	list: ['web'],
	listsockets: [],
	status: ['web'],
	stats: ['--extended', 'web', '123'],
	dstats: [],
	get: ['web', 'cmd', 'numprocesses'],
	options: ['web'],
	set: ['web', 'numprocesses', '3'],
	globaloptions: ['check_delay'],
	signal: ['web', '123', '456', '--children', '--recursive', 'HUP'],
	kill: ['web', '123', '--signum', 'TERM', '--graceful_timeout', '2'],
	input: ['web', '--pid', '123', '--enter', 'ls'],
	resize: ['web', '--pid', '123', '100', '30'],
	screen: ['web', '--pid', '123'],
};

describe('the command vocabulary', () => {
	test('every ctl form builds only properties its command takes, so the server accepts what ctl sends', () => {
		expect(Object.keys(samples).sort()).toEqual(Object.keys(ctlCommands).sort());
		for (const [name, words] of Object.entries(samples)) {
			const parsed = parseCtlArgs([name, ...words]);
			expect(parsed, name).not.toHaveProperty('error');
			const {properties} = parsed as {properties: Record<string, unknown>};
			const accepted = [...vocabulary[name as CommandName].properties, 'waiting'];
			expect(Object.keys(properties).filter((key) => !accepted.includes(key)), name).toEqual([]);
		}
	});

	test('names are the same everywhere: requests, ctl, and the help\'s command list', () => {
		expect(requestNames).toEqual([...Object.keys(vocabulary), 'subscribe', 'unsubscribe'].sort());
		const help = helpEntries('embedded', undefined).flat().map((entry) => entry.keys);
		for (const name of Object.keys(ctlCommands)) {
			expect(help).toContain(name);
		}

		// Commands of procui's own clients have no words: ctl does not offer them.
		for (const name of ['overview', 'logs']) {
			expect(Object.keys(ctlCommands)).not.toContain(name);
			expect(parseCtlArgs([name])).toHaveProperty('error');
		}
	});

	test('each command says how it waits and what it replies', () => {
		for (const [name, spec] of Object.entries(vocabulary)) {
			expect(['effect', 'command', 'read'], name).toContain(spec.waits);
			expect(spec.description.length, name).toBeGreaterThan(10);
			expect(spec.reply.length, name).toBeGreaterThan(3);
		}
	});
});
