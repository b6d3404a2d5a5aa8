import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fromCommands, nameFor} from '../../source/config/ad-hoc.js';
import {detectFormat, findDefaultConfig, loadConfig} from '../../source/config/load.js';
import {loadProcfile} from '../../source/config/procfile.js';
import {environ, summarize, writeFixture} from './fixtures.js';

describe('Procfile', () => {
	it('makes a shell watcher of each name: command line, in the Procfile\'s folder', () => {
		const directory = writeFixture({'app/Procfile': '# processes\nweb: bundle exec rails s -p $PORT\n\nworker:python worker.py --queue=a:b\n'});
		const config = loadProcfile('app/Procfile', {cwd: directory, environ});
		expect(config.watchers.map(watcher => ({
			name: watcher.name, cmd: watcher.cmd, shell: watcher.shell, copyEnv: watcher.copyEnv, workingDir: watcher.workingDir, line: watcher.origin.line,
		}))).toEqual([
			{name: 'web', cmd: 'bundle exec rails s -p $PORT', shell: true, copyEnv: true, workingDir: path.join(directory, 'app'), line: 2},
			{name: 'worker', cmd: 'python worker.py --queue=a:b', shell: true, copyEnv: true, workingDir: path.join(directory, 'app'), line: 4},
		]);
		expect(config.watchers[0]).toMatchObject({numprocesses: 1, respawn: true, pty: true, gracefulTimeout: 30});
		expect(config.arbiter.checkDelay).toBe(5);
		expect(config.warnings).toEqual([]);
	});

	it('rejects bad lines and repeated names, each at its line', () => {
		const directory = writeFixture({Procfile: 'web: a\nthis is not an entry\nweb: b\nempty:\n'});
		expect(() => loadProcfile('Procfile', {cwd: directory, environ})).toThrow([
			'Procfile:2: error: expected `name: command` (a name of letters, digits, _ and -), got "this is not an entry"',
			'Procfile:3: error: web: already defined at line 1 (names are compared without case)',
			'Procfile:4: error: empty: the command is empty',
		].join('\n'));
	});
});

describe('ad-hoc commands', () => {
	it('names each watcher after its program, numbering repeats', () => {
		const config = fromCommands(['sleep 100', 'npm run dev', 'npm run worker', 'npm test'], {cwd: '/work', environ});
		expect(config.watchers.map(watcher => [watcher.name, watcher.cmd, watcher.shell, watcher.workingDir])).toEqual([
			['sleep', 'sleep 100', true, '/work'],
			['npm', 'npm run dev', true, '/work'],
			['npm-2', 'npm run worker', true, '/work'],
			['npm-3', 'npm test', true, '/work'],
		]);
		expect(config.file).toBeUndefined();
		expect(config.watchers[0]!.origin).toEqual({file: '<command line>', line: 0});
	});

	it('takes the program after variable assignments and paths, without its extension', () => {
		expect([nameFor('FOO=1 ./bin/server.sh --port 80'), nameFor('"/opt/My App/run" x'), nameFor('python3 -m http.server'), nameFor('(cd x && make)')])
			.toEqual(['server', 'run', 'python3', 'command']);
	});

	it('rejects an empty command', () => {
		expect(() => fromCommands(['ls', '  '], {cwd: '/work', environ})).toThrow('<command line>: error: command 2 is empty');
	});
});

describe('loadConfig', () => {
	it('finds procui.ini, then circus.ini, then Procfile', () => {
		expect(findDefaultConfig(writeFixture({Procfile: 'a: b\n', 'circus.ini': ''}))).toMatch(/circus\.ini$/);
		expect(findDefaultConfig(writeFixture({'procui.ini': '', 'circus.ini': ''}))).toMatch(/procui\.ini$/);
		expect(findDefaultConfig(writeFixture({Procfile: 'a: b\n'}))).toMatch(/Procfile$/);
		expect(findDefaultConfig(writeFixture({}))).toBeUndefined();
	});

	it('loads the default file when given none', () => {
		const directory = writeFixture({'circus.ini': '[watcher:a]\ncmd = x\n'});
		expect(loadConfig(undefined, {cwd: directory, environ}).watchers.map(watcher => watcher.name)).toEqual(['a']);
	});

	it('tells the format by name, then by content', () => {
		const directory = writeFixture({
			'Procfile.dev': 'web: x\n',
			'services.procfile': 'web: x\n',
			'supervisor.conf': '; settings\n[watcher:a]\ncmd = x\n',
			'processes': '# mine\nweb: python -m http.server\n',
			'notes.txt': 'hello there\n',
		});
		expect(['Procfile.dev', 'services.procfile', 'supervisor.conf', 'processes', 'notes.txt'].map(file => detectFormat(file, directory)))
			.toEqual(['procfile', 'procfile', 'ini', 'procfile', undefined]);
		expect(loadConfig('processes', {cwd: directory, environ}).watchers[0]!.cmd).toBe('python -m http.server');
		expect(() => loadConfig('notes.txt', {cwd: directory, environ})).toThrow('notes.txt: error: cannot tell the format');
	});

	it('runs ad-hoc commands when given no file', () => {
		expect(loadConfig(undefined, {cwd: writeFixture({'circus.ini': ''}), environ, commands: ['sleep 1']}).watchers.map(watcher => watcher.name)).toEqual(['sleep']);
	});

	it('adds ad-hoc commands to a file\'s watchers, avoiding their names', () => {
		const directory = writeFixture({'circus.ini': '[watcher:sleep]\ncmd = sleep 5\n'});
		expect(loadConfig('circus.ini', {cwd: directory, environ, commands: ['sleep 1']}).watchers.map(watcher => watcher.name)).toEqual(['sleep', 'sleep-2']);
	});

	it('says what to do when there is nothing to load', () => {
		const directory = writeFixture({});
		expect(() => loadConfig(undefined, {cwd: directory, environ})).toThrow(/no configuration: give a file or commands \(-c\), or add one of procui\.ini, circus\.ini, Procfile here/);
	});

	it('reports an empty Procfile as a warning', () => {
		const directory = writeFixture({Procfile: '# nothing yet\n'});
		expect(summarize(loadConfig('Procfile', {cwd: directory, environ}).warnings)).toEqual(['0: no `name: command` lines: nothing to run']);
	});
});
