import {describe, expect, it} from 'vitest';
import {resolveSpawnTemplate, watcherSocketNames} from '../../source/config/substitute.js';
import {environ, loadIni, summarize} from './fixtures.js';

describe('substitutions', () => {
	it('replaces $(circus.env.X) from the environment, without case', () => {
		const config = loadIni('[watcher:w]\ncmd = $(CIRCUS.ENV.home)/bin/app --lang $(circus.env.LANG)\n');
		expect(config.watchers[0]!.cmd).toBe('/home/tester/bin/app --lang C.UTF-8');
	});

	it('replaces $(circus.env.X) with variables from [env]', () => {
		expect(loadIni('[env]\nAPP_PORT = 8000\n[watcher:w]\ncmd = serve --port $(circus.env.app_port)\n').watchers[0]!.cmd).toBe('serve --port 8000');
	});

	it('replaces $(circus.env.X) with the watcher\'s own [env:NAME] variables', () => {
		expect(loadIni('[env:w]\nMODE = fast\n[watcher:w]\ncmd = run --$(circus.env.MODE)\n').watchers[0]!.cmd).toBe('run --fast');
	});

	it('replaces $(circus.env.X) in typed options before reading them', () => {
		expect(loadIni('[watcher:w]\ncmd = x\nnumprocesses = $(circus.env.WORKERS)\n', {}, {...environ, WORKERS: '3'}).watchers[0]!.numprocesses).toBe(3);
	});

	it('replaces $(circus.env.X) in [circus] and [socket:...] options', () => {
		const config = loadIni('[circus]\nendpoint = tcp://127.0.0.1:$(circus.env.CTL_PORT)\n[socket:web]\nport = $(circus.env.CTL_PORT)\n', {}, {...environ, CTL_PORT: '7000'});
		expect(config.arbiter.endpoint).toBe('tcp://127.0.0.1:7000');
		expect(config.sockets[0]!.port).toBe(7000);
	});

	it('leaves an unset $(circus.env.X) as written, with a warning', () => {
		const config = loadIni('[watcher:w]\ncmd = run $(circus.env.NOPE)\n');
		expect(config.watchers[0]!.cmd).toBe('run $(circus.env.NOPE)');
		expect(summarize(config.warnings)).toEqual(['2: cmd: $(circus.env.NOPE) is not set; left as written']);
	});

	it('replaces $(circus.<option>) with another option of the same watcher', () => {
		const config = loadIni('[watcher:w]\ncmd = run --name $(circus.name) -n $(circus.numprocesses) --shell $(circus.shell)\nnumprocesses = 3\nargs = --dir $(circus.working_dir)\nworking_dir = /srv\n');
		expect(config.watchers[0]!.cmd).toBe('run --name w -n 3 --shell False');
		expect(config.watchers[0]!.args).toBe('--dir /srv');
	});

	it('replaces $(circus.<option>) with a free-form option', () => {
		expect(loadIni('[watcher:w]\ncmd = run --level $(circus.app.level)\napp.level = 4\n').watchers[0]!.cmd).toBe('run --level 4');
	});

	it('accepts Circus\'s ((circus.X)) spelling', () => {
		expect(loadIni('[watcher:w]\ncmd = run ((circus.env.HOME)) ((circus.wid))\n').watchers[0]!.cmd).toBe('run /home/tester ((circus.wid))');
	});

	it('leaves $(circus.wid) and $(circus.sockets.NAME) for the spawn', () => {
		const config = loadIni('[socket:web]\nport = 0\n[watcher:w]\ncmd = app --fd $(circus.sockets.web) --id $(circus.wid)\nuse_sockets = true\n');
		expect(config.watchers[0]!.cmd).toBe('app --fd $(circus.sockets.web) --id $(circus.wid)');
		expect(config.warnings).toEqual([]);
	});

	it('warns about a socket reference that names no socket', () => {
		const config = loadIni('[watcher:w]\ncmd = app --fd $(circus.sockets.nope)\nuse_sockets = true\n');
		expect(summarize(config.warnings)).toEqual(['2: cmd: $(circus.sockets.nope) names no [socket:nope] section; left as written']);
	});

	it('warns when a socket is used without use_sockets', () => {
		const config = loadIni('[socket:web]\nport = 0\n[watcher:w]\ncmd = app --fd $(circus.sockets.web)\n');
		expect(summarize(config.warnings)).toEqual(['4: cmd: uses $(circus.sockets.web) but `use_sockets` is false, so the process will not inherit the socket']);
	});

	it('warns about an on_demand watcher that names no socket, since no connection could start it', () => {
		const config = loadIni('[socket:web]\nport = 0\n[watcher:w]\ncmd = app\non_demand = true\n[watcher:v]\ncmd = app --fd $(circus.sockets.web)\nuse_sockets = true\non_demand = true\n');
		expect(summarize(config.warnings)).toEqual(['5: on_demand: the command names no socket ($(circus.sockets.NAME)), so no connection can start this watcher; it starts only when asked']);
	});

	it('lists the sockets a watcher names, each once, in the order first named', () => {
		expect(watcherSocketNames({cmd: 'app --a $(circus.sockets.B) --b $(circus.sockets.a)', args: '--again $(circus.sockets.b)', env: {FD: '$(circus.sockets.c)'}})).toEqual(['b', 'a', 'c']);
	});

	it('warns about $(circus.X) that names no option, leaving it', () => {
		const config = loadIni('[watcher:w]\ncmd = run $(circus.nothing)\n');
		expect(config.watchers[0]!.cmd).toBe('run $(circus.nothing)');
		expect(summarize(config.warnings)).toEqual(['2: cmd: $(circus.nothing) names no option of this watcher; left as written']);
	});
});

describe('resolveSpawnTemplate', () => {
	it('replaces the wid and socket fds', () => {
		expect(resolveSpawnTemplate('app --fd $(circus.sockets.web) --wid $(circus.wid)', {wid: 3, sockets: {web: 7}})).toBe('app --fd 7 --wid 3');
	});

	it('matches without case, in both spellings', () => {
		expect(resolveSpawnTemplate('$(CIRCUS.WID) ((circus.Sockets.WEB))', {wid: 1, sockets: {Web: 9}})).toBe('1 9');
	});

	it('leaves unknown sockets and other references as written', () => {
		expect(resolveSpawnTemplate('$(circus.sockets.db) $(circus.env.X) $(other.wid)', {wid: 1, sockets: {}})).toBe('$(circus.sockets.db) $(circus.env.X) $(other.wid)');
	});

	it('accepts socket names with dashes and dots', () => {
		expect(resolveSpawnTemplate('--fd $(circus.sockets.some-socket.v2)', {wid: 1, sockets: {'some-socket.v2': 4}})).toBe('--fd 4');
	});
});
