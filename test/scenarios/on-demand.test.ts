import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {EventMessage, Reply} from '../../source/control/protocol.js';
import {isErrorReply} from '../../source/control/protocol.js';
import {SocketClient} from '../../source/control/client.js';
import {pids, startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';
import {dstats, httpGet, pythonHttpServer, random, socketHolders, socketInode, tcpInodes, writeFile, type RequestOutcome} from './helpers.js';
import {stressMs} from '../helpers/stress.js';

/** Scenario C's length. Every connection is checked, so a short run already makes hundreds. */
const scenarioMs = stressMs(15_000);
/** A connection that gets no answer within this long has hung. */
const hangMs = 5000;

let daemon: Daemon | undefined;
const dirs: string[] = [];

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

function scripts(): {dir: string; server: string; once: string} {
	const dir = tempDir('procui-on-demand-');
	dirs.push(dir);
	return {
		dir,
		server: writeFile(dir, 'server.py', pythonHttpServer),
		// Serves one request, then exits: an on_demand service that goes away when idle.
		once: writeFile(dir, 'once.py', pythonHttpServer.replace('server.serve_forever()', 'server.handle_request()')),
	};
}

async function port(d: Daemon): Promise<number> {
	const reply = await d.ok('listsockets') as unknown as {sockets: Array<{name: string; port: number}>};
	return reply.sockets.find((socket) => socket.name === 'web')!.port;
}

async function subscribe(d: Daemon, topics: string[]): Promise<EventMessage[]> {
	const seen: EventMessage[] = [];
	await d.client.subscribe(topics, (event) => {
		seen.push(event);
	});
	return seen;
}

describe('on_demand', () => {
	it('starts the watcher on the first connection, without waiting for a reconcile tick, and its process serves that connection', async () => {
		const {server} = scripts();
		// check_delay of an hour: a connection served within hangMs was not waiting for a reconcile
		// tick (what Circus waits for). How long activation takes is printed, not asserted.
		daemon = await startDaemon(`
[circus]
check_delay = 3600

[socket:web]
host = 127.0.0.1
port = 0

[watcher:web]
cmd = python3 ${server} $(circus.sockets.web)
use_sockets = true
on_demand = true
pty = false
`);
		const seen = await subscribe(daemon, ['watcher.web.spawn']);
		const webPort = await port(daemon);
		const activations: number[] = [];
		const replies: number[] = [];
		for (let round = 0; round < 5; round++) {
			expect((await daemon.ok('status', {name: 'web'})).status).toBe('stopped');
			expect(pids(await daemon.ok('list', {name: 'web'}))).toEqual([]);
			const connectedAt = Date.now() / 1000;
			const outcome = await httpGet(webPort, hangMs);
			const [pid] = pids(await daemon.ok('list', {name: 'web'}));
			expect(outcome).toMatchObject({kind: 'served', body: `served by ${pid}\n`});
			activations.push((seen[round]!.time - connectedAt) * 1000);
			replies.push(outcome.ms);
			await daemon.ok('stop', {name: 'web'});
		}

		const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
		console.log(`on_demand: activation (connect to spawn) ${activations.map((ms) => ms.toFixed(0)).join(', ')} ms, median ${median(activations).toFixed(0)} ms; first reply ${median(replies).toFixed(0)} ms (python's start-up included)`);
		expect((await dstats(daemon)).activations).toBe(5);
		await daemon.logged(/web: a connection is waiting; starting/);
	});

	it('waits again once its processes have exited, and the next connection starts it again', async () => {
		const {once} = scripts();
		daemon = await startDaemon(`
[socket:web]
host = 127.0.0.1
port = 0

[watcher:web]
cmd = python3 ${once} $(circus.sockets.web)
use_sockets = true
on_demand = true
pty = false
`);
		const webPort = await port(daemon);
		const first = await httpGet(webPort, hangMs);
		expect(first.kind).toBe('served');
		await waitFor(async () => (await daemon!.ok('status', {name: 'web'})).status === 'stopped', {what: 'web to stop once its process exited'});
		const second = await httpGet(webPort, hangMs);
		expect(second.kind).toBe('served');
		expect((second as {body: string}).body).not.toBe((first as {body: string}).body);
		expect((await dstats(daemon)).activations).toBe(2);
	});

	it('does not restart in a tight loop a process that dies without taking the waiting connection', async () => {
		daemon = await startDaemon(`
[socket:web]
host = 127.0.0.1
port = 0

[watcher:broken]
cmd = sh -c 'exit 1 # $(circus.sockets.web)'
use_sockets = true
on_demand = true
check_flapping = false
`);
		const seen = await subscribe(daemon, ['watcher.broken.spawn']);
		// A connection that nobody accepts stays pending: every wait sees it at once.
		const client = net.connect({host: '127.0.0.1', port: await port(daemon)});
		client.on('error', () => undefined);
		await waitFor(() => seen.length >= 6, {what: 'six starts', timeoutMs: 30_000});
		client.destroy();
		// Event times, in seconds, from the daemon's clock.
		const gaps = seen.slice(1, 6).map((event, index) => event.time - seen[index]!.time);
		console.log(`on_demand: gaps between the starts of a process that dies at once: ${gaps.map((gap) => gap.toFixed(2)).join(', ')} s`);
		// Without the back-off this is one start per wait, every few tens of milliseconds. With it,
		// after the first quick exit each start waits at least the back-off (restart-policy.ts: 0,
		// then 0.1 s doubling): the second gap at least 0.1 s, then 0.2, 0.4, 0.8 (less 5 % for the
		// clock's rounding). Lower bounds: a slow machine only makes the gaps longer.
		expect(gaps.slice(1).map((gap, index) => gap >= 0.1 * 2 ** index * 0.95)).toEqual([true, true, true, true]);
	});

	it('Scenario C: connections in a loop while clients stop, start and reload everything: each served or refused cleanly, none hangs, no command fails', async () => {
		const {server} = scripts();
		const config = (other: number): string => `
[circus]
check_delay = 0.05

[socket:web]
host = 127.0.0.1
port = 0

[watcher:web]
cmd = python3 ${server} $(circus.sockets.web)
use_sockets = true
on_demand = true
pty = false
numprocesses = 2
graceful_timeout = 2

[watcher:other]
cmd = sleep 1000
numprocesses = ${other}
`;
		daemon = await startDaemon(config(1));
		const configFile = path.join(daemon.dir, 'circus.ini');
		const webPort = await port(daemon);
		const until = Date.now() + scenarioMs;
		const outcomes: RequestOutcome[] = [];
		const connecting = (async () => {
			while (Date.now() < until) {
				outcomes.push(await httpGet(webPort, hangMs));
			}
		})();
		const commands: Array<{command: string; properties: Record<string, unknown>; reply: Reply}> = [];
		const controllers = await Promise.all([1, 2, 3].map(async (seed) => {
			const client = await SocketClient.connect(daemon!.endpoint);
			const rng = random(seed);
			while (Date.now() < until) {
				const name = rng.pick([undefined, 'web', 'web', 'other']);
				const command = rng.pick(['stop', 'start', 'reload', 'restart', 'stop', 'reloadconfig']);
				if (command === 'reloadconfig') {
					const next = `${configFile}.next`;
					fs.writeFileSync(next, config(1 + rng.int(2)));
					fs.renameSync(next, configFile);
				}

				const properties = command === 'reloadconfig' || name === undefined ? {} : {name};
				commands.push({command, properties, reply: await client.call(command, properties, {timeoutMs: 60_000})});
				await new Promise((resolve) => setTimeout(resolve, rng.int(300)));
			}

			return client;
		}));
		await connecting;
		await Promise.all(controllers.map(async (client) => client.close()));
		const stats = await dstats(daemon);
		const count = (kind: RequestOutcome['kind']): number => outcomes.filter((outcome) => outcome.kind === kind).length;
		const summary = {connections: outcomes.length, served: count('served'), refused: count('refused'), reset: count('reset'), hung: count('hung'), commands: commands.length, activations: stats.activations, ticks: stats.ticks, ticksDuringCommands: stats.ticks_during_commands};
		console.log(`Scenario C: ${JSON.stringify(summary)}; resets: ${JSON.stringify([...new Set(outcomes.filter((outcome) => outcome.kind === 'reset').map((outcome) => (outcome as {code: string}).code))])}`);
		expect(commands.filter((entry) => isErrorReply(entry.reply))).toEqual([]);
		expect(summary.hung).toBe(0);
		expect(outcomes.filter((outcome) => outcome.kind === 'served').every((outcome) => /^served by \d+\n$/.test((outcome as {body: string}).body))).toBe(true);
		// The situation happened: the watcher was stopped by request again and again, and
		// connections started it again each time (activations), while ticks ran during commands.
		expect(summary.served).toBeGreaterThan(50);
		expect(summary.activations).toBeGreaterThanOrEqual(3);
		expect(commands.filter((entry) => entry.command === 'stop').length).toBeGreaterThanOrEqual(5);
		expect(summary.ticksDuringCommands).toBeGreaterThan(0);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error|Traceback|ConflictError/);
		const listening = socketInode(daemon.process.pid!, ((await daemon.ok('listsockets')) as unknown as {sockets: Array<{fd: number}>}).sockets[0]!.fd);
		await daemon.ok('quit');
		expect(await daemon.exited).toBe(0);
		// Closed everywhere: no process of web kept it open (the kernel may still be finishing the close
		// of the last one to exit: see test/integration/sockets.test.ts).
		expect(socketHolders(listening)).toEqual([]);
		await waitFor(() => !tcpInodes().includes(listening), {what: `TCP socket ${listening} to be gone once no process holds it`, timeoutMs: 5000});
	}, scenarioMs + 90_000);
});
