import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply, type Reply} from '../../source/control/protocol.js';
import {vocabulary} from '../../source/core/vocabulary.js';
import {pids, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';
import {childrenOf, dstats, httpGet, pythonHttpServer, random, writeFile, type RequestOutcome} from './helpers.js';
import {stressMs} from '../helpers/stress.js';

/**
The chaos run: everything of the other scenarios at once, at random, then the invariants.
60 s in CI; `npm run chaos -- --minutes N` runs it longer, and `--seed S` (or CHAOS_SEED) replays
a run's choices (the timing of real processes still varies).
*/
const seconds = Number(process.env.CHAOS_SECONDS ?? stressMs(60_000) / 1000);
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const watcherNames = ['web', 'crasher', 'stubborn', 'lingerer', 'writer', 'sleeper'] as const;

let daemon: Daemon | undefined;
let dir: string | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	if (dir) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

function config(folder: string, marker: string, writers: number): string {
	return `
[circus]
check_delay = 0.05

[socket:web]
host = 127.0.0.1
port = 0

[watcher:web]
cmd = python3 ${folder}/server.py $(circus.sockets.web)
use_sockets = true
on_demand = true
pty = false
numprocesses = 2
graceful_timeout = 2
# A connection's start is held back like a respawn when web's processes keep dying (here: killed
# at random), which can take longer than a client waits; these keep the hold short, so that a
# connection that waits 5 s is a fault.
procui.backoff = false
flapping.retry_in = 1
flapping.max_retry = -1

[watcher:crasher]
cmd = sh -c 'sleep 0.2; exit 1'
numprocesses = 3
check_flapping = false
autostart = false

[watcher:stubborn]
cmd = sh -c 'trap "" TERM; while :; do sleep 1; done'
graceful_timeout = 2
autostart = false

[watcher:lingerer]
cmd = sh -c 'echo "lingerer $$"; sleep 1 & sleep 0.1; exit 1'
pty = false
check_flapping = false
procui.backoff = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = ${folder}/lingerer.log

[watcher:writer]
cmd = sh -c 'i=0; while [ $i -lt 50 ]; do echo "$$ line $i"; i=$((i+1)); done; echo "$$ done"; sleep 0.3'
numprocesses = ${writers}
check_flapping = false
procui.backoff = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = ${folder}/writer.log

[watcher:sleeper]
cmd = sh -c 'sleep ${marker} & sleep ${marker} & wait'
numprocesses = 2
autostart = false
`;
}

/** Lines no control client should send: each must get an error reply (or be ignored), never harm. */
const malformed = [
	'not json at all',
	'{"command": "status"',
	'[]',
	'42',
	'{"id": 5, "command": 7}',
	'{"command": "no-such-command"}',
	'{"command": "incr", "properties": {"name": "crasher", "nb": "many"}}',
	'{"command": "start", "properties": "crasher"}',
	'{"command": "signal", "properties": {"name": "sleeper", "signum": "SIGNOPE"}}',
	'{"command": "kill", "properties": {"name": "sleeper", "pid": "not-a-pid"}}',
	'{"command": "stats", "properties": {"name": {"nested": true}}}',
	'\u0000\u0001\u0002\u00FF binary',
	'x'.repeat(2 * 1024 * 1024),
];

/** The daemon's descriptors as `fd -> target`, for a failure to name what stayed open. */
function describeFds(pid: number): string[] {
	const folder = `/proc/${pid}/fd`;
	return fs.readdirSync(folder).map((fd) => {
		try {
			return `${fd} -> ${fs.readlinkSync(path.join(folder, fd))}`;
		} catch {
			return `${fd} -> ?`;
		}
	});
}

type Counters = Record<string, number>;

function count(counters: Counters, key: string): void {
	counters[key] = (counters[key] ?? 0) + 1;
}

/** The longest request line the server reads; a longer one is answered with an error and the
connection closed (control/server.ts), so the lines after it go unanswered. */
const maxLineBytes = 1024 * 1024;

/**
Send malformed lines on a connection of their own and wait for the answers: one error reply per
line, up to and including one that is too long (after which the server closes the connection).
`abrupt`: then half a message, and gone. Returns how many lines deserved an answer and how many got
an error reply: a fault landed when the daemon answered it.
*/
async function sendMalformed(endpoint: string, lines: readonly string[], abrupt: boolean): Promise<{expected: number; answered: number}> {
	const socket = net.connect({path: endpoint.replace('ipc://', '')});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	socket.on('error', () => undefined);
	let received = '';
	let closed = false;
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => {
		received += chunk;
	});
	socket.once('close', () => {
		closed = true;
	});
	for (const line of lines) {
		socket.write(`${line}\n`);
	}

	const tooLong = lines.findIndex((line) => Buffer.byteLength(line) > maxLineBytes);
	const expected = tooLong === -1 ? lines.length : tooLong + 1;
	const answered = (): number => received.split('\n').filter((line) => {
		try {
			return (JSON.parse(line) as {status?: unknown}).status === 'error';
		} catch {
			return false;
		}
	}).length;
	await waitFor(() => answered() >= expected || closed, {what: `error replies to ${expected} malformed line(s)`, timeoutMs: 15_000});
	if (abrupt && !closed) {
		// Half a message, then gone.
		socket.write('{"command": "sta');
	}

	socket.destroy();
	return {expected, answered: answered()};
}

describe('chaos', () => {
	it(`${seconds} s of everything at random, then the invariants hold`, async () => {
		console.log(`chaos: seed ${seed} (replay: npm run chaos -- --seed ${seed} --minutes ${seconds / 60})`);
		dir = tempDir('procui-chaos-');
		writeFile(dir, 'server.py', pythonHttpServer);
		const marker = uniqueSleep();
		daemon = await startDaemon(config(dir, marker, 1));
		const configFile = path.join(daemon.dir, 'circus.ini');
		const daemonPid = daemon.process.pid!;
		const baseline = await waitFor(async () => {
			const first = (await dstats(daemon!)).open_fds;
			await new Promise((resolve) => setTimeout(resolve, 300));
			return (await dstats(daemon!)).open_fds === first ? first : undefined;
		}, {what: 'a steady descriptor count at boot'});
		const bootFds = describeFds(daemonPid);
		const reaps = new Map<number, {watcher: string; code: number}>();
		const spawned: Array<{watcher: string; pid: number; at: number}> = [];
		await daemon.client.subscribe(['watcher.*'], (event) => {
			const [, watcher, kind] = event.event.split('.');
			if (kind === 'reap') {
				reaps.set(Number(event.data.process_pid), {watcher: watcher!, code: Number(event.data.exit_code)});
			} else if (kind === 'spawn') {
				spawned.push({watcher: watcher!, pid: Number(event.data.process_pid), at: Date.now()});
			}
		});
		await daemon.ok('start', {name: 'crasher'});
		await daemon.ok('start', {name: 'writer'});
		const webPort = ((await daemon.ok('listsockets')) as unknown as {sockets: Array<{port: number}>}).sockets[0]!.port;

		const until = Date.now() + seconds * 1000;
		const counters: Counters = {};
		/** Evidence that each injected fault landed, not only that it was sent. */
		const killedPids = new Set<number>();
		/** Processes a `kill` command was sent for (SIGTERM): they too may exit after the final requests. */
		const terminatedPids = new Set<number>();
		let malformedExpected = 0;
		let malformedAnswered = 0;
		const replies: Array<{command: string; reply: Reply}> = [];
		const http: RequestOutcome[] = [];
		/** web's numprocesses over time, from the replies to incr and decr. */
		const webCounts: Array<{at: number; count: number}> = [{at: 0, count: 2}];
		/** Connections that waited while web was asked for no process (decr to 0): by design, as for
		a server with no workers. */
		let waitedByDesign = 0;
		const pause = async (rng: ReturnType<typeof random>, ms: number): Promise<void> => new Promise((resolve) => {
			setTimeout(resolve, rng.int(ms));
		});

		const commander = async (index: number): Promise<void> => {
			const rng = random(seed + index);
			const client = await SocketClient.connect(daemon!.endpoint);
			while (Date.now() < until) {
				const name = rng.pick(watcherNames);
				const command = rng.pick(['start', 'stop', 'restart', 'reload', 'incr', 'decr', 'signal', 'kill', 'status', 'stats', 'dstats', 'listsockets', 'reloadconfig', 'numprocesses'] as const);
				// Only what the command takes: a property it does not take is refused (see request-validation).
				const takes: readonly string[] = vocabulary[command].properties;
				let properties: Record<string, unknown> = Object.fromEntries(Object.entries({name, waiting: rng.int(2) === 0}).filter(([key]) => key === 'waiting' || takes.includes(key)));
				if (command === 'signal') {
					properties = {name, signum: rng.pick(['SIGHUP', 'SIGUSR1', 'SIGCONT'])};
				} else if (command === 'kill') {
					const list = pids(await client.call('list', {name}));
					properties = list.length > 0 ? {name, pid: rng.pick(list), signum: 'SIGTERM', graceful_timeout: 0.5} : {name};
				} else if (command === 'reloadconfig') {
					fs.writeFileSync(`${configFile}.next`, config(dir!, marker, 1 + rng.int(2)));
					fs.renameSync(`${configFile}.next`, configFile);
					properties = {};
				} else if (command === 'decr' && rng.int(2) === 0) {
					properties = {name, nb: 1};
				}

				count(counters, `command ${command}`);
				if (command === 'kill' && typeof properties.pid === 'number') {
					terminatedPids.add(properties.pid);
				}

				const reply = await client.call(command, properties, {timeoutMs: 60_000});
				replies.push({command: `${command} ${JSON.stringify(properties)}`, reply});
				if (name === 'web' && (command === 'incr' || command === 'decr') && !isErrorReply(reply)) {
					webCounts.push({at: Date.now(), count: Number((reply as {numprocesses?: number}).numprocesses)});
				}
				await pause(rng, 150);
			}

			await client.close();
		};

		const saboteur = async (): Promise<void> => {
			const rng = random(seed + 100);
			const client = await SocketClient.connect(daemon!.endpoint);
			while (Date.now() < until) {
				const action = rng.pick(['sigkill', 'sigkill', 'malformed', 'signal-daemon'] as const);
				if (action === 'sigkill') {
					const list = pids(await client.call('list', {name: rng.pick(watcherNames)}));
					if (list.length > 0) {
						try {
							const pid = rng.pick(list);
							process.kill(pid, 'SIGKILL');
							killedPids.add(pid);
							count(counters, 'SIGKILL to a child');
						} catch {
							// Already gone.
						}
					}
				} else if (action === 'malformed') {
					const lines = Array.from({length: 1 + rng.int(4)}, () => rng.pick(malformed));
					const answers = await sendMalformed(daemon!.endpoint, lines, rng.int(3) === 0);
					counters['malformed messages'] = (counters['malformed messages'] ?? 0) + lines.length;
					malformedExpected += answers.expected;
					malformedAnswered += answers.answered;
				} else {
					const signal = rng.pick(['SIGHUP', 'SIGUSR1', 'SIGWINCH', 'SIGUSR2'] as const);
					process.kill(daemonPid, signal);
					count(counters, `${signal} to the daemon`);
				}

				await pause(rng, 200);
			}

			await client.close();
		};

		const browser = async (): Promise<void> => {
			const rng = random(seed + 200);
			while (Date.now() < until) {
				const sentAt = Date.now();
				const outcome = await httpGet(webPort, 5000);
				if (outcome.kind === 'hung') {
					const before = webCounts.filter((entry) => entry.at <= sentAt).at(-1)!;
					if (before.count === 0 || webCounts.some((entry) => entry.at > sentAt && entry.count === 0)) {
						waitedByDesign++;
						continue;
					}

					const web = ((await daemon!.ok('overview')) as unknown as {watchers: Array<{name: string}>}).watchers.find((row) => row.name === 'web');

					const recent = daemon!.stderr().split('\n').filter((line) => line.includes(' web') || line.includes('(connection)')).slice(-25).join('\n');
					console.log(`chaos: a connection hung; web then: ${JSON.stringify(web)}\n${recent}`);
				}

				http.push(outcome);
				await pause(rng, 100);
			}
		};

		await Promise.all([commander(1), commander(2), commander(3), saboteur(), browser()]);

		// A SIGKILL (or a `kill` command's SIGTERM) sent at the very end lands after it: an on_demand
		// watcher whose last process is reaped after the final start goes back to waiting (its
		// processes are not replaced, as in Circus). The final requests come once every process
		// killed has been reaped.
		await waitFor(() => [...killedPids, ...terminatedPids].every((pid) => reaps.has(pid)), {what: 'every process killed to be reaped', timeoutMs: 30_000});

		// The last request for each watcher, sent once everything else has arrived.
		const finalRng = random(seed + 300);
		const desired = Object.fromEntries(watcherNames.map((name) => [name, finalRng.pick(['start', 'stop'] as const)]));
		const finals = await Promise.all(watcherNames.map(async (name) => daemon!.client.call(desired[name]!, {name}, {timeoutMs: 60_000})));
		const stats = await dstats(daemon);
		const httpKinds = Object.fromEntries(['served', 'refused', 'reset', 'hung'].map((kind) => [kind, http.filter((outcome) => outcome.kind === kind).length]));
		const summary = {seed, seconds, counters, commands: replies.length, errorReplies: replies.filter((entry) => isErrorReply(entry.reply)).length, http: {...httpKinds, waitedByDesign}, spawns: spawned.length, activations: stats.activations, ticks: stats.ticks, ticksDuringCommands: stats.ticks_during_commands, signals: stats.signals, reloads: stats.reloads, desired};
		console.log(`chaos: ${JSON.stringify(summary)}`);

		// The supervisor is alive and answering, and nothing inside it failed unexpectedly.
		expect(daemon.process.exitCode).toBe(null);
		expect(await daemon.ok('status')).toMatchObject({status: 'ok'});
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error|unhandled|ConflictError|added twice/i);
		expect(finals.filter((reply) => isErrorReply(reply))).toEqual([]);
		// Error replies are for requests that deserved one (a process gone, a bad option), never a conflict.
		expect(replies.filter((entry) => isErrorReply(entry.reply) && /conflict|already running|busy/i.test(JSON.stringify(entry.reply)))).toEqual([]);
		expect(httpKinds.hung).toBe(0);

		// Each watcher converged to the state asked for last.
		// An on_demand watcher left with numprocesses 0 (a decr) has no process to start, and is stopped
		// again once it has none (core/watcher.ts), as after its processes exit.
		const webCount = Number(((await daemon.ok('numprocesses', {name: 'web'})) as {numprocesses?: unknown}).numprocesses);
		for (const name of watcherNames) {
			const expected = desired[name] === 'start' && !(name === 'web' && webCount === 0) ? 'active' : 'stopped';
			await waitFor(async () => (await daemon!.ok('status', {name})).status === expected, {what: `${name} to be ${expected} (seed ${seed})`, timeoutMs: 15_000}).catch(async (error: unknown) => {
				const row = ((await daemon!.ok('overview')) as unknown as {watchers: Array<{name: string}>}).watchers.find((watcher) => watcher.name === name);
				const recent = daemon!.stderr().split('\n').filter((line) => line.includes(` ${name}`)).slice(-15).join('\n');
				throw new Error(`${error instanceof Error ? error.message : String(error)}; ${name} now: ${JSON.stringify(row)}\n${recent}`);
			});
		}

		// No zombie children: any process of the daemon that has exited is reaped.
		const zombies = (): number[] => childrenOf(daemonPid).filter((child) => child.state === 'Z').map((child) => child.pid);
		const first = new Set(zombies());
		await waitFor(() => zombies().every((pid) => !first.has(pid)), {what: `the zombies seen (${[...first].join(', ')}) to be reaped`, timeoutMs: 15_000});

		// Every byte of output is in its file: each writer process that finished on its own wrote
		// its 51 lines, each lingerer its line (they were spawned at least a second before the end).
		// Two writer processes share the file, so their lines interleave: each process's own lines,
		// in order, must be exactly its 51. A stop waits for the output to be drained; the file may
		// take a moment more (the stream writer's thread): read until whole, within a deadline.
		await daemon.ok('stop');
		// A pid the system gave to two writer processes (it reuses pids once it reaches pid_max, 32768
		// on many machines) holds both lives' lines: it cannot be checked by its lines, and is left out.
		const writerLives = new Map<number, number>();
		for (const entry of spawned.filter((entry) => entry.watcher === 'writer')) {
			writerLives.set(entry.pid, (writerLives.get(entry.pid) ?? 0) + 1);
		}

		const reusedPids = [...writerLives].filter(([, lives]) => lives > 1).map(([pid]) => pid);
		const finishedWriters = [...reaps.entries()].filter(([pid, reap]) => reap.watcher === 'writer' && reap.code === 0 && !reusedPids.includes(pid)).map(([pid]) => pid);
		const wanted = JSON.stringify([...Array.from({length: 50}, (_, index) => `line ${index}`), 'done']);
		const incompleteWriters = (): number[] => {
			const byPid = new Map<number, string[]>();
			for (const line of fs.readFileSync(path.join(dir!, 'writer.log'), 'utf8').split('\n')) {
				const match = /^(\d+) (.*)$/u.exec(line);
				if (match) {
					byPid.set(Number(match[1]), [...(byPid.get(Number(match[1])) ?? []), match[2]!]);
				}
			}

			return finishedWriters.filter((pid) => JSON.stringify(byPid.get(pid) ?? []) !== wanted);
		};

		const lostLingerersNow = (): typeof spawned => {
			const lingererLog = fs.readFileSync(path.join(dir!, 'lingerer.log'), 'utf8');
			return spawned.filter((entry) => entry.watcher === 'lingerer' && entry.at < until - 1000 && reaps.get(entry.pid)?.code === 1).filter((entry) => !lingererLog.includes(`lingerer ${entry.pid}\n`));
		};

		await waitFor(() => incompleteWriters().length === 0 && lostLingerersNow().length === 0, {what: 'every line in the log files', timeoutMs: 30_000}).catch(() => undefined);
		const incomplete = incompleteWriters();
		if (incomplete.length > 0) {
			// What a failure needs to be understood: the process's lines as the file has them, and its
			// life as the events told it (a pid spawned twice is a pid the system reused).
			const log = fs.readFileSync(path.join(dir!, 'writer.log'), 'utf8').split('\n');
			for (const pid of incomplete) {
				const lines = log.filter((line) => line.startsWith(`${pid} `));
				const lives = spawned.filter((entry) => entry.pid === pid).map((entry) => `${entry.watcher} at ${entry.at - until + seconds * 1000} ms`);
				console.log(`chaos: writer ${pid} (spawned as ${lives.join(', ')}; reaped ${JSON.stringify(reaps.get(pid))}) has ${lines.length} lines in writer.log: ${JSON.stringify(lines.slice(0, 60))}`);
			}
		}

		const lostLingerers = lostLingerersNow();
		console.log(`chaos: ${finishedWriters.length} writer processes checked line by line (left out, their pid reused by another writer: ${reusedPids.join(', ') || 'none'}), ${spawned.filter((entry) => entry.watcher === 'lingerer').length} lingerer processes`);
		// Not vacuous: writers finished on their own and were checked. The random stops decide how long
		// the writer ran (CI: a 60 s run checked 119, a 15 s one 5, where the floor was 10): a floor in proportion.
		expect(finishedWriters.length).toBeGreaterThanOrEqual(Math.max(1, Math.round(seconds / 15)));
		expect(incomplete).toEqual([]);
		expect(lostLingerers).toEqual([]);

		// Every kind of fault landed, not only was sent: a SIGKILL hit a live child when that child's
		// reap says signal 9 (a child that had already exited keeps its own status); a malformed line
		// landed when the daemon answered it with an error (every one that deserved an answer got one);
		// a signal to the daemon landed when the daemon counted it (the kernel merges one that is
		// still pending, so at most as many as were sent).
		const daemonSignals = ['SIGHUP', 'SIGUSR1', 'SIGWINCH', 'SIGUSR2'] as const;
		const landedAfter = await dstats(daemon);
		const landed = {
			'SIGKILL to a child': [...killedPids].filter((pid) => reaps.get(pid)?.code === -9).length,
			'malformed messages': malformedAnswered,
			...Object.fromEntries(daemonSignals.map((signal) => [`${signal} to the daemon`, landedAfter.signals[signal] ?? 0])),
		};
		console.log(`chaos: faults sent ${JSON.stringify(Object.fromEntries(Object.keys(landed).map((key) => [key, counters[key] ?? 0])))}, landed ${JSON.stringify(landed)} (malformed lines that deserved an answer, the rest following an over-long one: ${malformedExpected})`);
		for (const [fault, times] of Object.entries(landed)) {
			expect(times, `${fault}: sent ${counters[fault] ?? 0}, landed ${times} (seed ${seed})`).toBeGreaterThan(0);
		}

		expect(malformedAnswered).toBe(malformedExpected);
		for (const signal of daemonSignals) {
			expect(landedAfter.signals[signal]).toBeLessThanOrEqual(counters[`${signal} to the daemon`]!);
		}

		// Descriptors back at the boot count once everything is stopped; a failure names the ones that
		// differ. At boot web, stopped and on_demand, had a wait for its connections (a helper process
		// and its channel); it waits only with numprocesses > 0, which a decr may have left at 0.
		await daemon.ok('set', {name: 'web', options: {numprocesses: '2'}});
		let extra = '';
		await waitFor(async () => {
			const info = await dstats(daemon!);
			if (info.open_fds === baseline && info.output_sources === 0) {
				return true;
			}

			const now = describeFds(daemonPid);
			extra = `${info.open_fds} open, ${info.output_sources} output sources; not there at boot: ${now.filter((fd) => !bootFds.includes(fd)).join(', ')}; gone since boot: ${bootFds.filter((fd) => !now.includes(fd)).join(', ')}`;
			return false;
		}, {what: `open fds back to ${baseline} (seed ${seed})`, timeoutMs: 45_000}).catch((error: unknown) => {
			throw new Error(`${error instanceof Error ? error.message : String(error)}: ${extra}`);
		});
	}, (seconds + 180) * 1000);
});
