import childProcess from 'node:child_process';
import fs from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kebab, parseCommand} from '../../source/cli/args.js';
import {commandSpecs, ctlSpec} from '../../source/cli/command-specs.js';
import {cliPath, repoRoot, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

/** The built procui, run with no terminal and no daemon at the default endpoint. */
function run(args: readonly string[], env: Record<string, string> = {}): {code: number | null; stdout: string; stderr: string} {
	const result = childProcess.spawnSync(process.execPath, [cliPath, ...args], {
		cwd: repoRoot,
		env: {...process.env, PROCUI_ENDPOINT: `ipc://${tempDir()}/none.sock`, ...env},
		encoding: 'utf8',
		timeout: 60_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** How a subcommand is typed: nothing for the bare `procui`. */
const words = (name: string): string[] => (name === '' ? [] : [name]);

/** The long forms a command's help and its refusals must name. */
const longFlags = (flags: object): string[] => [...Object.keys(flags).map(name => `--${kebab(name)}`), '--help'];

describe('procui SUB --help', () => {
	for (const spec of commandSpecs) {
		const title = spec.name === '' ? 'procui' : `procui ${spec.name}`;
		it(`${title} --help prints its own usage and options, and exits 0`, () => {
			// `procui --help` alone is the overview; with the TUI's arguments it is their help.
			const result = run(spec.name === '' ? ['-c', 'true', '--help'] : [spec.name, '--help']);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			const lines = result.stdout.split('\n');
			// The layout of `procui --help`: title, Usage, ..., Options, Examples.
			expect(lines[1]).toBe(`  ${title}: ${spec.summary}`);
			expect(lines[3]).toBe('  Usage');
			expect(lines[4]).toBe(`    $ procui ${spec.usage[0]!}`);
			expect(lines).toContain('  Options');
			for (const flag of longFlags(spec.flags)) {
				expect(result.stdout).toContain(flag);
			}
		});
	}

	it('procui --help stays the overview of every subcommand', () => {
		const result = run(['--help']);
		expect(result.code).toBe(0);
		for (const spec of commandSpecs.filter(one => one.name !== '')) {
			expect(result.stdout).toContain(`$ procui ${spec.name}`);
		}

		expect(result.stdout).toContain('procui COMMAND --help');
	});

	it('-h is --help', () => {
		expect(run(['logs', '-h']).stdout).toBe(run(['logs', '--help']).stdout);
		expect(run(['ctl', '-h']).stdout).toBe(run(['ctl', '--help']).stdout);
	});
});

describe('an unknown flag', () => {
	for (const spec of commandSpecs) {
		const title = spec.name === '' ? 'procui' : `procui ${spec.name}`;
		it(`${title} refuses it with exit 2, naming it and listing the flags it accepts`, () => {
			// ctl's flags come before its command; the others take theirs anywhere.
			const result = run([...words(spec.name), '--frobnicate', ...(spec.name === 'ctl' ? ['status'] : [])]);
			expect(result.code).toBe(2);
			expect(result.stdout).toBe('');
			const [first, second] = result.stderr.split('\n');
			expect(first).toBe(`${title}: unknown flag --frobnicate`);
			expect(second).toMatch(new RegExp(`^${title} accepts: `));
			for (const flag of longFlags(spec.flags)) {
				expect(second).toContain(flag);
			}
		});
	}

	it('is named as typed: short, negated, or with its value', () => {
		expect(run(['logs', '-Z']).stderr).toMatch(/^procui logs: unknown flag -Z\n/);
		expect(run(['daemon', '--no-such-thing']).stderr).toMatch(/^procui daemon: unknown flag --no-such-thing\n/);
		expect(run(['export', 'systemd', '--out-dir=units']).stderr).toMatch(/^procui export: unknown flag --out-dir\n/);
		expect(run(['logs', '--frob', '-Z', 'web']).stderr).toMatch(/^procui logs: unknown flags --frob -Z\n/);
	});

	it('check takes the configuration and -c only, not the daemon\'s flags', () => {
		const result = run(['check', '--detach', 'examples/circus.ini']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^procui check: unknown flag --detach\nprocui check accepts: -c\/--command CMD, -h\/--help/);
	});
});

describe('flags that are known but wrong', () => {
	it('a flag without its value, or given twice, is refused with exit 2 naming it', () => {
		expect(run(['ctl', '--endpoint'])).toMatchObject({code: 2, stderr: expect.stringMatching(/^procui ctl: --endpoint needs a value \(URL\)/) as unknown});
		expect(run(['logs', 'web', '--endpoint'])).toMatchObject({code: 2, stderr: expect.stringMatching(/^procui logs: --endpoint needs a value/) as unknown});
		expect(run(['ctl', '--endpoint=ipc:///a.sock', '--endpoint', 'ipc:///b.sock', 'status'])).toMatchObject({code: 2, stderr: expect.stringMatching(/^procui ctl: --endpoint is given more than once/) as unknown});
	});

	it('values are checked with a message naming the flag and the value', () => {
		expect(run(['ctl', '--timeout', 'soon', 'status'])).toMatchObject({code: 2, stderr: expect.stringContaining('--timeout expects a positive number of seconds, got "soon"') as unknown});
		expect(run(['logs', '-n', 'many'])).toMatchObject({code: 2, stderr: expect.stringContaining('-n expects a whole number of lines, got "many"') as unknown});
		expect(run(['check', 'a.ini', 'b.ini'])).toMatchObject({code: 2, stderr: expect.stringContaining('expected one CONFIG, got 2: a.ini b.ini') as unknown});
		expect(run(['attach', 'extra'])).toMatchObject({code: 2, stderr: expect.stringContaining('procui attach: takes no arguments, got extra') as unknown});
		expect(run(['proxy', 'extra'])).toMatchObject({code: 2, stderr: expect.stringContaining('procui proxy: takes no arguments, got extra') as unknown});
	});

	it('an endpoint a supervisor cannot listen on is refused before anything starts, naming the flag and the value', () => {
		const message = '--endpoint: Unsupported endpoint scheme `unix` in `unix:///tmp/procui.sock`: use ipc:///absolute/path.sock or tcp://127.0.0.1:PORT';
		const daemon = run(['daemon', 'examples/circus.ini', '--endpoint', 'unix:///tmp/procui.sock']);
		expect(daemon).toMatchObject({code: 2, stderr: expect.stringMatching(/^procui daemon: --endpoint: Unsupported endpoint scheme `unix`/) as unknown});
		expect(daemon.stderr).toContain(message);
		expect(daemon.stderr).not.toMatch(/\bat \S+ \(/);
		expect(run(['daemon', '--detach', '-c', 'sleep 1', '--endpoint', 'tcp://0.0.0.0:5555'])).toMatchObject({code: 2, stderr: expect.stringContaining('procui daemon: --endpoint: Refusing `tcp://0.0.0.0:5555`: the control channel is loopback-only') as unknown});
		// The full-screen UI runs a supervisor too: the same check, before it asks for a terminal.
		const tui = run(['examples/circus.ini', '--endpoint', 'ipc://relative.sock']);
		expect(tui).toMatchObject({code: 2, stderr: expect.stringMatching(/^procui: --endpoint: The socket path in `ipc:\/\/relative.sock` must be absolute/) as unknown});
	});

	it('a log file the daemon cannot open is refused before anything starts, from the flag or from [circus] logoutput', () => {
		const dir = tempDir();
		const missing = `${dir}/no/such/dir/procui.log`;
		const flag = run(['daemon', 'examples/circus.ini', '--log-output', missing]);
		expect(flag).toMatchObject({code: 1, stderr: `procui: --log-output: cannot open ${missing} for writing: its directory does not exist; nothing was started\n`});
		const config = `${dir}/circus.ini`;
		fs.writeFileSync(config, `[circus]\nlogoutput = ${dir}\n\n[watcher:w]\ncmd = sleep 1000\n`);
		expect(run(['daemon', config])).toMatchObject({code: 1, stderr: `procui: [circus] logoutput in ${config}: cannot open ${dir} for writing: it is a directory; nothing was started\n`});
	});

	it('a PROCUI_ENDPOINT that cannot be read is named, with what is wrong, by every command that uses it', () => {
		const env = {PROCUI_ENDPOINT: 'unix:///tmp/procui.sock'};
		const said = 'PROCUI_ENDPOINT: Unsupported endpoint scheme `unix` in `unix:///tmp/procui.sock`';
		for (const args of [['daemon', 'examples/circus.ini'], ['ctl', 'status'], ['logs']]) {
			const result = run(args, env);
			expect(result.stderr, args.join(' ')).toContain(said);
			expect(result.stderr, args.join(' ')).not.toMatch(/\bat \S+ \(/);
			expect(result.code, args.join(' ')).not.toBe(0);
		}
	});

	it('one of ctl\'s own flags after the command is refused with where it goes', () => {
		const result = run(['ctl', 'status', '--json']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('--json is ctl\'s own flag: it goes before the command, as in `procui ctl --json status ...`');
	});
});

describe('real invocations still parse', () => {
	it('check reads a configuration, or commands given with -c', () => {
		expect(run(['check', 'examples/circus.ini'])).toMatchObject({code: 0, stdout: expect.stringMatching(/circus\.ini: OK: 3 watchers/) as unknown});
		expect(run(['check', '-c', 'sleep 1', '--command', 'sleep 2'])).toMatchObject({code: 0, stdout: expect.stringMatching(/^command line: OK: 2 watchers/) as unknown});
	});

	it('with no configuration, each command says how to give one to it', () => {
		const empty = tempDir();
		const inEmpty = (args: readonly string[]) => childProcess.spawnSync(process.execPath, [cliPath, ...args], {cwd: empty, encoding: 'utf8', timeout: 60_000});
		expect(inEmpty(['export', 'systemd'])).toMatchObject({status: 1, stderr: expect.stringContaining('Give one:  procui export systemd path/to/circus.ini\n') as unknown});
		expect(inEmpty(['check'])).toMatchObject({status: 1, stderr: expect.stringContaining('Give one:  procui check path/to/circus.ini\nor commands: procui check -c') as unknown});
		expect(inEmpty(['daemon'])).toMatchObject({status: 1, stderr: expect.stringContaining('Give one:  procui daemon path/to/circus.ini\n') as unknown});
	});

	it('export and completion read their arguments and flags', () => {
		const procfile = run(['export', 'procfile', 'examples/Procfile']);
		expect(procfile.code).toBe(0);
		expect(procfile.stdout).toMatch(/^\w+: /m);
		expect(run(['export', 'procfile', 'examples/Procfile', '--user'])).toMatchObject({code: 2, stderr: expect.stringContaining('--out and --user are for systemd') as unknown});
		expect(run(['completion', 'fish'])).toMatchObject({code: 0, stdout: expect.stringContaining('complete -c procui') as unknown});
	});

	it('ctl help COMMAND shows that command\'s form', () => {
		expect(run(['ctl', 'help', 'incr'])).toMatchObject({code: 0, stdout: expect.stringMatching(/^usage: procui ctl incr <name> \[nb\]\n/) as unknown});
		expect(run(['ctl', 'help', 'nope'])).toMatchObject({code: 2, stderr: expect.stringContaining('unknown command `nope`') as unknown});
	});
});

describe('procui ctl\'s flags', () => {
	let daemon: Daemon | undefined;

	beforeAll(async () => {
		daemon = await startDaemon(`[watcher:web]\ncmd = sleep ${uniqueSleep()}\n`);
	});

	afterAll(async () => {
		await daemon?.stop();
	});

	it('are read by meow in every form', async () => {
		const forms: Array<[string[], Record<string, unknown>]> = [
			[[], {json: false, endpoint: undefined, timeout: undefined}],
			[['--json'], {json: true, endpoint: undefined, timeout: undefined}],
			[['--no-json'], {json: false, endpoint: undefined, timeout: undefined}],
			[['--endpoint', 'ipc:///tmp/x.sock'], {json: false, endpoint: 'ipc:///tmp/x.sock', timeout: undefined}],
			[['--endpoint=tcp://127.0.0.1:5555', '--json', '--timeout', '2.5'], {json: true, endpoint: 'tcp://127.0.0.1:5555', timeout: '2.5'}],
			[['--timeout=10', '--endpoint', 'ssh://deploy@web1/run/p.sock'], {json: false, endpoint: 'ssh://deploy@web1/run/p.sock', timeout: '10'}],
		];
		for (const [words, flags] of forms) {
			const parsed = await parseCommand(ctlSpec, words);
			expect('exit' in parsed, words.join(' ')).toBe(false);
			expect((parsed as {flags: unknown}).flags, words.join(' ')).toEqual(flags);
		}
	});

	it('leave localeCompare as it was: locale order, not code-point order', async () => {
		const parsed = await parseCommand(ctlSpec, ['--json']);
		expect('exit' in parsed).toBe(false);
		// By code point 'a' (97) sorts after 'B' (66); in any locale's order it comes first.
		expect('a'.localeCompare('B')).toBe(-1);
		expect(['b', 'B', 'a', 'A'].sort((x, y) => x.localeCompare(y))).toEqual(['a', 'A', 'b', 'B']);
	});

	it('reach a real daemon in every form', async () => {
		const endpoint = daemon!.endpoint;
		await waitFor(() => run(['ctl', '--endpoint', endpoint, 'status']).stdout === 'web: active\n', {what: 'web to run'});
		const json = run(['ctl', `--endpoint=${endpoint}`, '--timeout=30', '--json', 'status']);
		expect(json.code).toBe(0);
		expect(JSON.parse(json.stdout)).toMatchObject({status: 'ok', statuses: {web: 'active'}});
		expect(run(['ctl', '--no-json', '--endpoint', endpoint, 'status'])).toMatchObject({code: 0, stdout: 'web: active\n'});
		// `--` ends ctl's flags.
		expect(run(['ctl', '--endpoint', endpoint, '--', 'numwatchers'])).toMatchObject({code: 0, stdout: '1\n'});
	});

	it('leave the command line as it was: ps and pgrep -f still see the arguments', async () => {
		const follower = childProcess.spawn(process.execPath, [cliPath, 'logs', '--endpoint', daemon!.endpoint, '-f', 'web'], {stdio: 'ignore'});
		try {
			// Read once the follower holds a socket (it is connected), which is after meow parsed its flags.
			const fds = `/proc/${follower.pid!}/fd`;
			await waitFor(() => fs.readdirSync(fds).some(fd => fs.readlinkSync(`${fds}/${fd}`).startsWith('socket:')), {what: 'the follower to connect'});
			expect(fs.readFileSync(`/proc/${follower.pid!}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()).toBe([process.execPath, cliPath, 'logs', '--endpoint', daemon!.endpoint, '-f', 'web'].join(' '));
		} finally {
			follower.kill('SIGINT');
		}
	});
});
