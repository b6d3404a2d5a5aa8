import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliPath, repoRoot, tempDir} from '../helpers/daemon.js';

const everyOption = 'test/export/every-option.ini';

function run(args: readonly string[], cwd = repoRoot): {code: number | null; stdout: string; stderr: string} {
	const result = childProcess.spawnSync(process.execPath, [cliPath, ...args], {cwd, encoding: 'utf8', timeout: 60_000});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** systemd-analyze, from Debian's `systemd` package; CI installs it, so it is never skipped. */
function systemdAnalyze(): string {
	const found = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/bin']
		.map(dir => path.join(dir, 'systemd-analyze'))
		.find(file => fs.existsSync(file));
	if (found === undefined) {
		throw new Error('systemd-analyze not found: install it with `apt-get install -y --no-install-recommends systemd` (Debian\'s systemd package)');
	}

	return found;
}

/** `systemd-analyze verify` on every file of `dir`: it must pass and say nothing at all (it only
warns, exit 0, about unknown keys or values it could not parse). */
function verify(dir: string, user = false): void {
	const files = fs.readdirSync(dir).map(name => path.join(dir, name));
	const runtime = tempDir('procui-systemd-');
	const result = childProcess.spawnSync(systemdAnalyze(), [...(user ? ['--user'] : []), 'verify', ...files], {
		encoding: 'utf8',
		timeout: 60_000,
		// A user manager needs a runtime folder; the test machine has no login session.
		env: {...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0'},
	});
	expect({status: result.status, output: `${result.stdout}${result.stderr}`}).toEqual({status: 0, output: ''});
}

function exportTo(config: string, extra: readonly string[] = []): {dir: string; stdout: string; stderr: string; unit: (name: string) => string} {
	const dir = path.join(tempDir(), 'units');
	const result = run(['export', 'systemd', config, '--out', dir, ...extra]);
	expect(result.code, result.stderr).toBe(0);
	return {...result, dir, unit: (name) => fs.readFileSync(path.join(dir, name), 'utf8')};
}

describe('procui export systemd', () => {
	it('writes units for examples/circus.ini that systemd-analyze verify accepts', () => {
		const {dir, stdout, unit} = exportTo('examples/circus.ini');
		expect(fs.readdirSync(dir).sort()).toEqual(['flaky@.service', 'ticker@.service', 'worker@.service']);
		verify(dir);
		expect(unit('worker@.service')).toMatch(/^ExecStart=python3 -u -c "\\nimport itertools.*%% 6.*\\n" %i$/m);
		expect(unit('ticker@.service')).toContain('ExecStart=/bin/sh -c "while true; do echo \\"tick $$(date +%%T)\\"; sleep 1; done"\n');
		expect(unit('worker@.service')).toContain('TimeoutStopSec=5\n');
		expect(stdout).toContain('systemctl enable --now flaky@1.service ticker@1.service worker@{1..3}.service');
	});

	it('writes units for examples/Procfile that systemd-analyze verify accepts', () => {
		const {dir, unit} = exportTo('examples/Procfile');
		expect(fs.readdirSync(dir).sort()).toEqual(['clock@.service', 'web@.service']);
		verify(dir);
		expect(unit('clock@.service')).toContain('ExecStart=/bin/sh -c "while true; do date +%%T; sleep 2; done"\n');
		expect(unit('clock@.service')).toContain(`WorkingDirectory=${path.join(repoRoot, 'examples')}\n`);
	});

	it('writes user units for examples/Procfile that systemd-analyze --user verify accepts', () => {
		const {dir, stdout, unit} = exportTo('examples/Procfile', ['--user']);
		verify(dir, true);
		expect(unit('web@.service')).toContain('WantedBy=default.target');
		expect(unit('web@.service')).toContain('ExecStart=/bin/sh -c "python3 -m http.server --bind 127.0.0.1 8765"');
		expect(stdout).toContain('systemctl --user enable --now clock@1.service web@1.service');
	});

	it('maps every option of a config that uses them all, and verify accepts the units', () => {
		const {dir, stdout, stderr, unit} = exportTo(everyOption);
		expect(fs.readdirSync(dir).sort()).toEqual(['api.socket', 'api@.service', 'job@.service', 'local.socket', 'web@.service']);
		verify(dir);
		const web = unit('web@.service');
		for (const line of [
			'WorkingDirectory=/tmp', 'User=www-data', 'Group=www-data', 'UMask=0022',
			'Environment="GREETING=say \\"hi\\" 100%% "', 'Environment="WID=%i"',
			'Environment="QUOTED=a \'single\' and a \\\\backslash"',
			'ExecStart=@/bin/sleep /bin/sleep 100%i', 'ExecReload=/bin/kill -HUP $MAINPID',
			'Restart=always', 'StartLimitIntervalSec=30', 'StartLimitBurst=4', 'KillSignal=SIGINT',
			'TimeoutStopSec=12500ms', 'RuntimeMaxSec=3600', 'RuntimeRandomizedExtraSec=60',
			'LimitNOFILE=4096', 'LimitCORE=infinity', 'LimitCPU=3600', 'StandardOutput=null',
			'StandardError=append:/tmp/procui export web.err', 'WantedBy=multi-user.target',
		]) {
			expect(web).toContain(`\n${line}\n`);
		}

		const api = unit('api@.service');
		// Higher priority starts first: api (0) after every instance of web (10).
		expect(api).toContain('\nAfter=web@1.service web@2.service web@3.service\n');
		expect(api).toContain('\nExecStart=/bin/sleep 1000 --fd 3 --unix 4\n');
		expect(api).toContain('\nSockets=api.socket local.socket\n');
		expect(api).toContain('\nRestart=no\n');
		expect(api).not.toContain('WantedBy=');
		expect(unit('api.socket')).toContain('\nListenStream=127.0.0.1:18765\nAccept=no\nService=api@1.service\n');
		expect(unit('local.socket')).toContain('\nListenStream=/tmp/procui-export-test.sock\n');
		expect(unit('local.socket')).toContain('\nSocketMode=0700\n');
		// shell_args follow the command line, as Circus passes them (the script's $0, $1, ...).
		expect(unit('job@.service')).toContain('\nExecStart=/bin/sh -c "for i in 1 2; do echo \\"job $$i: $$((i * 2))%% done; ;\\"; done; sleep 100 ; echo \'it\'\'s\'" -e\n');
		expect(unit('job@.service')).toContain('\nStartLimitIntervalSec=0\n');
		// autostart = false: not enabled; on_demand: its sockets are enabled instead.
		expect(stdout).toContain('systemctl enable --now api.socket local.socket web@{1..3}.service\n');

		// Each gap is a comment in the unit and a warning naming file and line.
		for (const gap of ['copy_env', 'copy_path', 'flapping.retry_in', 'max_retry', 'warmup_delay', 'procui.scrollback', 'stderr_stream.time_format', 'stderr_stream.class = FileStream']) {
			expect(web).toContain(`# ${gap}`);
			expect(stderr).toMatch(new RegExp(`^test/export/every-option\\.ini:5: warning: watcher web: ${gap.replaceAll('.', '\\.')}`, 'm'));
		}

		expect(stderr).toMatch(/^test\/export\/every-option\.ini:\d+: warning: socket local: blocking = true/m);
		expect(stderr).toMatch(/^test\/export\/every-option\.ini:\d+: warning: socket unused: no watcher names it/m);
		expect(stderr).toMatch(/^test\/export\/every-option\.ini:\d+: warning: watcher job: pty/m);
	});

	it('leaves User= and Group= out of user units, with a warning, and verify accepts them', () => {
		const {dir, stderr, unit} = exportTo(everyOption, ['--user']);
		verify(dir, true);
		expect(unit('web@.service')).not.toMatch(/^(?:User|Group)=/m);
		expect(unit('web@.service')).toContain('WantedBy=default.target');
		expect(stderr).toMatch(/warning: watcher web: uid = www-data: a user unit runs as its user/);
	});

	it('quotes hostile values so that systemd reads them back as written', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'hostile.ini'), [
			'[watcher:evil]',
			'cmd = /bin/sleep "a b" \';\' \'"\' \'$HOME\' \'%n\' \'\\\\\' "-x"',
			'[env:evil]',
			'MISSING = $(circus.env.Not_Set)',
			'TRICK = "; ExecStartPre=/bin/rm -rf /',
			'',
		].join('\n'));
		const result = run(['export', 'systemd', 'hostile.ini', '--out', 'units'], dir);
		expect(result.code, result.stderr).toBe(0);
		const unit = fs.readFileSync(path.join(dir, 'units', 'evil@.service'), 'utf8');
		expect(unit).toContain('\nExecStart=/bin/sleep "a b" \\; "\\"" "$$HOME" "%%n" "\\\\\\\\" -x\n');
		expect(unit).toContain('\nEnvironment="MISSING=$(circus.env.Not_Set)"\n');
		expect(unit).toContain('\nEnvironment="TRICK=\\"; ExecStartPre=/bin/rm -rf /"\n');
		expect(unit).not.toMatch(/^ExecStartPre/m);
		verify(path.join(dir, 'units'));
	});

	it('names the program as systemd must: relative paths made absolute, an unknown name warned about', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'programs.ini'), '[watcher:local]\ncmd = ./sleep 5\nworking_dir = /bin\n\n[watcher:missing]\ncmd = procui-no-such-program --flag\n');
		const result = run(['export', 'systemd', 'programs.ini', '--out', 'units'], dir);
		expect(result.code, result.stderr).toBe(0);
		expect(fs.readFileSync(path.join(dir, 'units', 'local@.service'), 'utf8')).toContain('\nExecStart=/bin/sleep 5\n');
		expect(result.stderr).toMatch(/^programs\.ini:5: warning: watcher missing: procui-no-such-program: not found in \/usr\/local\/sbin:.*give its absolute path/m);
		fs.rmSync(path.join(dir, 'units', 'missing@.service'));
		verify(path.join(dir, 'units'));
	});

	it('reports a folder it cannot write into, without a stack trace', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'taken'), 'a file, not a folder\n');
		const result = run(['export', 'systemd', path.join(repoRoot, 'examples/circus.ini'), '--out', 'taken'], dir);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^procui export: cannot write the units into taken: EEXIST/m);
		expect(result.stderr).not.toMatch(/\n\s+at /);
	});

	it('prints the units with a header line per file when no --out is given', () => {
		const result = run(['export', 'systemd', 'examples/circus.ini']);
		expect(result.code).toBe(0);
		expect(result.stdout.match(/^### .*$/gm)).toEqual(['### flaky@.service', '### ticker@.service', '### worker@.service', '### install: save each file above into /etc/systemd/system/, then']);
	});

	it('refuses a socket host systemd cannot bind, and a bad config, with a clear error', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'named.ini'), '[watcher:web]\ncmd = /bin/sleep 9 $(circus.sockets.web)\nuse_sockets = true\n\n[socket:web]\nhost = example.com\nport = 80\n');
		const named = run(['export', 'systemd', 'named.ini', '--out', 'units'], dir);
		expect(named.code).toBe(1);
		expect(named.stderr).toMatch(/socket web: host = example\.com is a name.*IP address/);
		expect(fs.existsSync(path.join(dir, 'units'))).toBe(false);

		fs.writeFileSync(path.join(dir, 'bad.ini'), '[watcher:web]\ncmd = /bin/sleep 9\nnumprocesses = lots\n');
		const bad = run(['export', 'systemd', 'bad.ini'], dir);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/^bad\.ini:3: error: .*numprocesses/m);
		expect(run(['export', 'launchd', 'bad.ini'], dir).code).toBe(2);
	});
});

describe('procui export procfile', () => {
	it('writes `name: command` lines, numprocesses as a comment, and warns about the rest', () => {
		const result = run(['export', 'procfile', everyOption]);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('# web: numprocesses = 3 (foreman start -m web=3)\nweb: cd /tmp && /bin/sleep 100"1"\n');
		expect(result.stdout).toContain('\njob: cd ');
		expect(result.stderr).toMatch(/warning: watcher web: \$\(circus\.wid\): a Procfile has no process number/);
		expect(result.stderr).toMatch(/warning: watcher web: env .*GREETING.*\.env/);
		expect(result.stderr).toMatch(/warning: watcher web: a Procfile cannot say .*uid.*rlimit_nofile/);
		expect(result.stderr).toMatch(/warning: watcher web: executable = \/bin\/sleep/);
	});

	it('round-trips examples/Procfile', () => {
		const result = run(['export', 'procfile', 'examples/Procfile']);
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout.split('\n').filter(line => line !== '' && !line.startsWith('#'))).toEqual(fs.readFileSync(path.join(repoRoot, 'examples/Procfile'), 'utf8').trim().split('\n'));
	});
});
