import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadCircusIni} from '../../source/config/circus-ini.js';
import {environ, loadIni, summarize, writeFixture} from './fixtures.js';

const names = (config: {readonly watchers: ReadonlyArray<{readonly name: string}>}) => config.watchers.map(watcher => watcher.name);

describe('include and include_dir', () => {
	it('reads the files a glob in include names, relative to the main file', () => {
		const config = loadIni('[circus]\ninclude = conf.d/*.ini extra.ini\n', {
			'conf.d/a.ini': '[watcher:a]\ncmd = a\n',
			'conf.d/b.ini': '[watcher:b]\ncmd = b\n',
			'conf.d/skip.txt': '[watcher:skip]\ncmd = s\n',
			'extra.ini': '[watcher:c]\ncmd = c\n',
		});
		expect(names(config)).toEqual(['a', 'b', 'c']);
	});

	it('reads every *.ini file of an include_dir', () => {
		const config = loadIni('[circus]\ninclude_dir = services\n', {
			'services/web.ini': '[watcher:web]\ncmd = w\n',
			'services/worker.ini': '[watcher:worker]\ncmd = k\n',
			'services/notes.md': 'not a config',
		});
		expect(names(config)).toEqual(['web', 'worker']);
	});

	it('matches wildcards in several path segments', () => {
		const config = loadIni('[circus]\ninclude = apps/*/*.ini\n', {
			'apps/one/w.ini': '[watcher:one]\ncmd = 1\n',
			'apps/two/w.ini': '[watcher:two]\ncmd = 2\n',
		});
		expect(names(config)).toEqual(['one', 'two']);
	});

	it('resolves includes against the main file\'s folder, not the cwd', () => {
		const directory = writeFixture({'etc/circus.ini': '[circus]\ninclude = more.ini\n', 'etc/more.ini': '[watcher:m]\ncmd = m\n'});
		const config = loadCircusIni('etc/circus.ini', {cwd: directory, environ});
		expect(names(config)).toEqual(['m']);
		expect(config.files).toEqual([path.join(directory, 'etc/circus.ini'), path.join(directory, 'etc/more.ini')]);
	});

	it('warns about a glob that matches no file', () => {
		const config = loadIni('[circus]\ninclude = missing/*.ini\n[watcher:a]\ncmd = a\n');
		expect(summarize(config.warnings)).toEqual([`2: include: "missing/*.ini" matches no file (paths are relative to ${config.directory})`]);
	});

	it('merges sections across files, the main file\'s values winning, with a warning', () => {
		const config = loadIni('[circus]\ninclude = base.ini\n[watcher:web]\ncmd = main\n', {
			'base.ini': '[watcher:web]\ncmd = base\nnumprocesses = 3\n',
		});
		expect(config.watchers[0]).toMatchObject({cmd: 'main', numprocesses: 3});
		expect(config.warnings.map(issue => `${path.basename(issue.origin.file)}:${issue.origin.line}: ${issue.message}`)).toEqual([
			`base.ini:2: cmd: [watcher:web] already sets it at ${config.directory}/circus.ini:4; the first value is kept, as Circus does`,
		]);
	});

	it('reports errors in an included file with its own name and line, relative to the cwd', () => {
		const directory = writeFixture({'circus.ini': '[circus]\ninclude = bad.ini\n', 'bad.ini': '[watcher:w]\ncmd = x\nnumprocesses = lots\n'});
		expect(() => loadCircusIni(path.join(directory, 'circus.ini'), {cwd: directory, environ})).toThrow(`bad.ini:3: error: numprocesses: expected a whole number from 0 to 10000, got "lots"`);
	});

	it('does not read the main file twice when a glob matches it', () => {
		const config = loadIni('[circus]\ninclude = *.ini\n[watcher:a]\ncmd = a\n', {'b.ini': '[watcher:b]\ncmd = b\n'});
		expect(names(config)).toEqual(['a', 'b']);
		expect(config.warnings).toEqual([]);
	});

	it('ignores an included file\'s own include, with a warning', () => {
		const config = loadIni('[circus]\ninclude = a.ini\n', {'a.ini': '[circus]\ninclude = b.ini\n[watcher:a]\ncmd = a\n', 'b.ini': '[watcher:b]\ncmd = b\n'});
		expect(names(config)).toEqual(['a']);
		expect(config.warnings.map(issue => issue.message)).toEqual(['include: only the main file\'s includes are read, as in Circus; ignored here']);
	});
});
