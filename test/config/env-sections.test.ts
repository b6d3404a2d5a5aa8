import {describe, expect, it} from 'vitest';
import {loadIni, summarize} from './fixtures.js';

function envOf(content: string): Record<string, Readonly<Record<string, string>>> {
	return Object.fromEntries(loadIni(content).watchers.map(watcher => [watcher.name, watcher.env]));
}

const watchers = '[watcher:watcher1]\ncmd = a\n[watcher:watcher2]\ncmd = b\n[watcher:other]\ncmd = c\n';

describe('environment sections', () => {
	it('applies [env] to every watcher', () => {
		expect(envOf(`${watchers}[env]\nTEST1 = test1\n`)).toEqual({other: {TEST1: 'test1'}, watcher1: {TEST1: 'test1'}, watcher2: {TEST1: 'test1'}});
	});

	it('applies [env:NAME] to that watcher only', () => {
		expect(envOf(`${watchers}[env:watcher1]\nCAKE = lie\n`)).toEqual({other: {}, watcher1: {CAKE: 'lie'}, watcher2: {}});
	});

	it('matches comma-separated fnmatch patterns', () => {
		expect(envOf(`${watchers}[env:wat*, oth?r]\nTEST2 = test2\n[env:watcher[2]]\nTEST3 = x\n`)).toEqual({
			other: {TEST2: 'test2'},
			watcher1: {TEST2: 'test2'},
			watcher2: {TEST2: 'test2', TEST3: 'x'},
		});
	});

	it('lets later sections win over earlier ones and over [env]', () => {
		expect(envOf(`${watchers}[env:watcher1]\nA = first\n[env]\nA = common\nB = common\n[env:watcher*]\nA = second\n`).watcher1).toEqual({A: 'second', B: 'common'});
	});

	it('keeps the case of variable names', () => {
		expect(envOf('[watcher:w]\ncmd = x\n[env]\nhttp_proxy = a\nHTTPS_PROXY = b\nFunKy_soUl = c\n').w).toEqual({http_proxy: 'a', HTTPS_PROXY: 'b', FunKy_soUl: 'c'});
	});

	// circus/util.py parse_env_dict: re.sub(r'\$([A-Z]+[A-Z0-9_]*)', os.getenv) on each value.
	it('expands an upper-case $VAR from the process environment, as Circus does', () => {
		expect(envOf('[watcher:w]\ncmd = x\n[env:w]\nPATH = $PATH:/opt/bin\nDATA = $HOME/data\n').w).toEqual({PATH: '/usr/bin:/bin:/opt/bin', DATA: '/home/tester/data'});
	});

	it('keeps $lower, ${VAR} and a lone $ as written, as Circus does: a password is not cut short', () => {
		expect(envOf('[watcher:w]\ncmd = x\n[env]\nPASSWORD = pa$word\nLOWER = $home\nBRACED = ${HOME}\nPRICE = 5 $\n').w).toEqual({
			PASSWORD: 'pa$word',
			LOWER: '$home',
			BRACED: '${HOME}',
			PRICE: '5 $',
		});
	});

	it('reads $VAR from the process environment only, not from [env], as Circus does', () => {
		expect(envOf('[watcher:w]\ncmd = x\n[env]\nAPP = /srv/app\nLOG = $APP/log\nPATH = /first:$PATH\n[env:w]\nPATH = /second:$PATH\n').w).toEqual({
			APP: '/srv/app',
			LOG: '/log',
			PATH: '/second:/usr/bin:/bin',
		});
	});

	it('lets $(circus.env.X) refer to [env] (Circus\'s way to build on it)', () => {
		expect(envOf('[watcher:w]\ncmd = x\n[env]\nAPP = /srv/app\nLOG = $(circus.env.app)/log\n').w).toEqual({APP: '/srv/app', LOG: '/srv/app/log'});
	});

	it('expands an unset $VAR to nothing, as Circus does', () => {
		expect(envOf('[watcher:w]\ncmd = x\n[env]\nPYTHONPATH = $PYTHONPATH:/app\n').w).toEqual({PYTHONPATH: ':/app'});
	});

	it('puts the env option after the sections', () => {
		expect(envOf('[watcher:w]\ncmd = x\nenv = A=option, C=$HOME!, D=$(circus.env.B)\n[env]\nA = section\nB = b\n').w).toEqual({A: 'option', B: 'b', C: '/home/tester!', D: 'b'});
	});

	it('keeps copy_env as a flag and does not copy the environment at load time', () => {
		const config = loadIni('[watcher:w]\ncmd = x\ncopy_env = true\n[env]\nA = 1\n');
		expect(config.watchers[0]!.copyEnv).toBe(true);
		expect(config.watchers[0]!.env).toEqual({A: '1'});
	});

	it('warns about an [env:...] section that matches no watcher', () => {
		expect(summarize(loadIni('[watcher:web]\ncmd = x\n[env:wbe]\nA = 1\n').warnings)).toEqual(['3: [env:wbe] matches no watcher; its variables are not used']);
	});
});
