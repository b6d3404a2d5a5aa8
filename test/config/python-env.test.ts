import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {applyPythonEnv} from '../../source/config/python-env.js';
import {loadIni, loadIniErrors, summarize} from './fixtures.js';

const venvFiles = {
	'venv/bin/python': '',
	'venv/lib/python3.11/site-packages/.keep': '',
	'venv/lib/python3.11/site-packages/extra.pth': '# a comment\nimport site\n../../../../src\nmissing-folder\n',
	'src/.keep': '',
};

/** circus/util.py `load_virtualenv` and circus/watcher.py `copy_path`; circus/tests/test_watcher.py checks both. */
describe('copy_path and virtualenv', () => {
	it('virtualenv: bin first on PATH, .pth packages then site-packages on PYTHONPATH (load_virtualenv)', () => {
		const config = loadIni('[watcher:w]\ncmd = x\ncopy_env = true\nvirtualenv = venv\n', venvFiles);
		const {python} = config.watchers[0]!;
		const venv = path.join(config.directory, 'venv');
		expect(python).toEqual({virtualenv: {bin: path.join(venv, 'bin'), packages: [path.join(config.directory, 'src')], sitedir: path.join(venv, 'lib/python3.11/site-packages')}});
		const env: Record<string, string> = {PATH: '/usr/bin:/bin', PYTHONPATH: '/opt/lib'};
		applyPythonEnv(env, python!, {});
		expect(env).toEqual({
			PATH: `${venv}/bin:/usr/bin:/bin`,
			PYTHONPATH: [path.join(config.directory, 'src'), '/opt/lib', path.join(venv, 'lib/python3.11/site-packages')].join(':'),
		});
	});

	it('virtualenv_py_ver picks the lib/pythonX.Y folder; several without it is an error naming them', () => {
		const files = {...venvFiles, 'venv/lib/python3.9/site-packages/.keep': ''};
		expect(loadIni('[watcher:w]\ncmd = x\ncopy_env = true\nvirtualenv = venv\nvirtualenv_py_ver = 3.9\n', files).watchers[0]!.python?.virtualenv?.sitedir).toMatch(/venv\/lib\/python3\.9\/site-packages$/);
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\ncopy_env = true\nvirtualenv = venv\n', files))[0]).toMatch(/^4: virtualenv: .*venv holds python3\.(11|9), python3\.(9|11); say which with virtualenv_py_ver$/);
	});

	it('a virtualenv without site-packages for the version is an error (load_virtualenv: "does not exist")', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\ncopy_env = true\nvirtualenv = venv\nvirtualenv_py_ver = 3.12\n', venvFiles))[0]).toMatch(/^4: virtualenv: .*venv\/lib\/python3\.12\/site-packages does not exist$/);
	});

	it('copy_path and virtualenv need copy_env, as in Circus', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\ncopy_path = true\n'))).toEqual(['3: copy_path: needs `copy_env = true`, as in Circus']);
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nvirtualenv = venv\n', venvFiles))).toEqual(['3: virtualenv: needs `copy_env = true`, as in Circus']);
	});

	it('copy_path puts python3\'s sys.path in PYTHONPATH, which the watcher\'s env may override', () => {
		const config = loadIni('[watcher:w]\ncmd = x\ncopy_env = true\ncopy_path = true\n');
		const sysPath = config.watchers[0]!.python?.sysPath;
		expect(sysPath?.split(':').some(entry => /python3/.test(entry))).toBe(true);
		const env: Record<string, string> = {};
		applyPythonEnv(env, {sysPath: sysPath!}, {});
		expect(env.PYTHONPATH).toBe(sysPath);
		const overridden: Record<string, string> = {PYTHONPATH: '/mine'};
		applyPythonEnv(overridden, {sysPath: sysPath!}, {PYTHONPATH: '/mine'});
		expect(overridden.PYTHONPATH).toBe('/mine');
	});
});
