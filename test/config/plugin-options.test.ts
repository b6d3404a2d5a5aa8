import {describe, expect, it} from 'vitest';
import {loadIni, loadIniErrors, summarize} from './fixtures.js';

/** Options and defaults as circus/plugins/*.py read them (Circus 0.19). */
describe('[plugin:NAME] sections procui runs', () => {
	it('watchdog: loop_rate 60, max_count 3, 127.0.0.1:1664, msg_regex "^(?P<pid>.*);(?P<timestamp>.*)$" (watchdog.py)', () => {
		const [plugin] = loadIni('[plugin:wd]\nuse = circus.plugins.watchdog.WatchDog\n').plugins!;
		expect(plugin).toMatchObject({kind: 'watchdog', name: 'wd', loopRate: 60, maxCount: 3, ip: '127.0.0.1', port: 1664});
		expect(plugin?.kind === 'watchdog' && plugin.msgRegex.exec('42;1700000000')?.groups).toEqual({pid: '42', timestamp: '1700000000'});
		expect(plugin?.kind === 'watchdog' && plugin.watchersRegex.test('anything')).toBe(true);
	});

	it('watchdog: Python named groups in msg_regex, watchers_stop_signal and watchers_graceful_timeout', () => {
		const [plugin] = loadIni('[plugin:wd]\nuse = circus.plugins.watchdog.WatchDog\nmsg_regex = ^beat (?P<pid>\\d+)$\nwatchers_regex = ^web\nwatchers_stop_signal = KILL\nwatchers_graceful_timeout = 2\nloop_rate = 0.5\n').plugins!;
		expect(plugin).toMatchObject({loopRate: 0.5, stopSignal: 9, gracefulTimeout: 2});
		expect(plugin?.kind === 'watchdog' && plugin.msgRegex.exec('beat 7')?.groups?.pid).toBe('7');
		expect(plugin?.kind === 'watchdog' && plugin.watchersRegex.test('worker')).toBe(false);
	});

	it('resource_watcher: max_cpu 90, max_mem 90 %, health_threshold 75, max_count 3 (resource_watcher.py)', () => {
		const [plugin] = loadIni('[watcher:web]\ncmd = x\n[plugin:rw]\nuse = circus.plugins.resource_watcher.ResourceWatcher\nwatcher = web\n').plugins!;
		expect(plugin).toEqual({
			kind: 'resource_watcher', name: 'rw', watcher: 'web', loopRate: 60, maxCpu: 90, maxMem: {percent: 90}, healthThreshold: 75, maxCount: 3,
			statsd: {host: 'localhost', port: 8125, sampleRate: 1, applicationName: 'app'},
		});
	});

	it('resource_watcher: max_mem as a size is bytes (human2bytes, powers of 1024); min_cpu and min_mem', () => {
		const [plugin] = loadIni('[watcher:web]\ncmd = x\n[plugin:rw]\nuse = circus.plugins.resource_watcher.ResourceWatcher\nwatcher = web\nmax_mem = 200M\nmin_cpu = 1\nmin_mem = 10\n').plugins!;
		expect(plugin).toMatchObject({maxMem: {bytes: 200 * 1024 * 1024}, minCpu: 1, minMem: {percent: 10}});
	});

	it('resource_watcher: `watcher` is mandatory, as Circus raises NotImplementedError without it', () => {
		expect(summarize(loadIniErrors('[plugin:rw]\nuse = circus.plugins.resource_watcher.ResourceWatcher\n'))).toEqual([
			'1: [plugin:rw]: resource_watcher needs `watcher` (the watcher to look after), as in Circus',
		]);
	});

	it('command_reloader: loop_rate 1 (command_reloader.py); statsd emitters: localhost:8125, application_name app', () => {
		const config = loadIni('[plugin:cr]\nuse = circus.plugins.command_reloader.CommandReloader\n[plugin:sd]\nuse = circus.plugins.statsd.StatsdEmitter\nport = 9125\napplication_name = shop\n');
		expect(config.plugins).toEqual([
			{kind: 'command_reloader', name: 'cr', loopRate: 1},
			{kind: 'statsd', name: 'sd', statsd: {host: 'localhost', port: 9125, sampleRate: 1, applicationName: 'shop'}},
		]);
	});

	it('active = false leaves a plugin out; a bad value names the line; an unknown option is a warning', () => {
		expect(loadIni('[plugin:cr]\nuse = circus.plugins.command_reloader.CommandReloader\nactive = false\n').plugins).toEqual([]);
		expect(summarize(loadIniErrors('[plugin:wd]\nuse = circus.plugins.watchdog.WatchDog\nport = http\n'))).toEqual(['3: port: expected a whole number from 0 to 65535, got "http"']);
		expect(summarize(loadIni('[plugin:cr]\nuse = circus.plugins.command_reloader.CommandReloader\nloop_rat = 2\n').warnings)).toEqual(['3: loop_rat: not an option of command_reloader; ignored']);
	});

	it('resource_watcher: process_children is a warning (procui judges the watcher\'s own processes)', () => {
		expect(summarize(loadIni('[watcher:web]\ncmd = x\n[plugin:rw]\nuse = circus.plugins.resource_watcher.ResourceWatcher\nwatcher = web\nprocess_children = true\nchild_signal = HUP\n').warnings)).toEqual([
			'6: process_children: procui\'s resource_watcher judges the watcher\'s processes, not their children; ignored',
		]);
	});
});
