import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply, type Reply} from '../../source/control/protocol.js';
import {pids, startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';
import {dstats, random} from './helpers.js';
import {stressMs} from '../helpers/stress.js';

/**
Scenario A's length. The issue asks for 30 s; 20 s already sends several times the 160 commands of
Circus's reproduction (27 errors there), and keeps the whole suite's time in check.
*/
const runMs = stressMs(20_000);
const clients = 8;
/** The stubborn watcher's graceful_timeout, in seconds: Circus's reproduction has 30. */
const gracefulSeconds = Math.round(stressMs(30_000) / 1000);

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

type Outcome = {client: number; command: string; name: string; reply?: Reply; failure?: string};

const intents = ['stop', 'start', 'restart', 'incr', 'decr', 'reload'] as const;

/** Half the clients wait for each effect (procui's default), half do not (Circus's default), so
commands keep coming while 30 s graceful stops are in progress. */
async function loop(client: SocketClient, index: number, sending: () => boolean): Promise<Outcome[]> {
	const rng = random(1000 + index);
	const waiting = index % 2 === 0;
	const outcomes: Outcome[] = [];
	while (sending()) {
		// Now and then a genuine error: a watcher that does not exist.
		const name = rng.int(40) === 0 ? 'nosuch' : rng.pick(['crasher', 'stubborn']);
		const command = rng.pick(intents);
		try {
			outcomes.push({client: index, command, name, reply: await client.call(command, {name, waiting}, {timeoutMs: 120_000})});
		} catch (error) {
			outcomes.push({client: index, command, name, failure: error instanceof Error ? error.message : String(error)});
		}
	}

	return outcomes;
}

describe('stop and start against the reconcile tick (Circus BUG-2)', () => {
	it('Scenario A: 8 clients loop stop, start, restart, incr, decr and reload across a crashing and a stubborn watcher; nothing conflicts', async () => {
		daemon = await startDaemon(`
[circus]
check_delay = 0.05

[watcher:crasher]
cmd = sh -c 'sleep 0.1; exit 1'
numprocesses = 4
check_flapping = false
procui.backoff = false

[watcher:stubborn]
cmd = sh -c 'trap "" TERM; while :; do sleep 1; done'
graceful_timeout = ${gracefulSeconds}
`);
		const before = await dstats(daemon);
		const connections = await Promise.all(Array.from({length: clients}, async () => SocketClient.connect(daemon!.endpoint)));
		let sending = true;
		const running = connections.map(async (client, index) => loop(client, index, () => sending));
		// The scenario's length; then no client sends another command.
		await new Promise((resolve) => setTimeout(resolve, runMs));
		sending = false;
		// The last request for each watcher goes once every client's last command has arrived (their
		// replies may still be waiting, for a 30 s graceful stop): a reply on each client's connection
		// to a request sent after its last command says the daemon has read that command.
		await Promise.all(connections.map(async (client) => client.call('dstats', {}, {timeoutMs: 120_000})));
		const finalRng = random(Date.now());
		const last = {crasher: finalRng.pick(['start', 'stop'] as const), stubborn: finalRng.pick(['start', 'stop'] as const)};
		const finals = await Promise.all(Object.entries(last).map(async ([name, command]) => daemon!.client.call(command, {name}, {timeoutMs: 120_000})));
		const outcomes = (await Promise.all(running)).flat();
		const after = await dstats(daemon);
		await Promise.all(connections.map(async (client) => client.close()));

		const failures = outcomes.filter((outcome) => outcome.failure !== undefined);
		const errors = outcomes.filter((outcome) => outcome.reply !== undefined && isErrorReply(outcome.reply));
		const genuine = errors.filter((outcome) => outcome.name === 'nosuch' && /watcher 'nosuch' not found|program nosuch not found/.test(JSON.stringify(outcome.reply)));
		const summary = {
			commands: outcomes.length,
			byCommand: Object.fromEntries(intents.map((intent) => [intent, outcomes.filter((outcome) => outcome.command === intent).length])),
			superseded: outcomes.filter((outcome) => JSON.stringify(outcome.reply ?? {}).includes('superseded')).length,
			genuineErrors: genuine.length,
			otherErrors: errors.length - genuine.length,
			noReply: failures.length,
			ticks: after.ticks - before.ticks,
			ticksDuringCommands: after.ticks_during_commands - before.ticks_during_commands,
			last,
		};
		console.log(`Scenario A: ${JSON.stringify(summary)}`);
		expect(failures).toEqual([]);
		expect(errors.filter((outcome) => !genuine.includes(outcome)).map((outcome) => outcome.reply)).toEqual([]);
		expect(finals.filter((reply) => isErrorReply(reply))).toEqual([]);
		expect(JSON.stringify(outcomes)).not.toMatch(/conflict|already running/i);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error|exception|Traceback/i);
		// The situation happened: hundreds of commands, and reconcile ticks ran while clients'
		// commands were in progress (what Circus answered with ConflictError).
		expect(summary.commands).toBeGreaterThan(160);
		expect(summary.ticksDuringCommands).toBeGreaterThan(50);
		expect(genuine.length).toBeGreaterThan(0);
		// Each watcher is where its last request put it.
		for (const [name, command] of Object.entries(last)) {
			const expected = command === 'start' ? 'active' : 'stopped';
			try {
				await waitFor(async () => (await daemon!.ok('status', {name})).status === expected, {what: `${name} to be ${expected}`, timeoutMs: 40_000});
			} catch (error) {
				const overview = JSON.stringify((await daemon.ok('overview') as unknown as {watchers: unknown[]}).watchers);
				const log = daemon.stderr().split('\n').filter((line) => line.includes(name)).slice(-40).join('\n');
				throw new Error(`${error instanceof Error ? error.message : String(error)}\n${overview}\n${log}`);
			}
		}
	}, runMs + 150_000);

	it('a stop that comes while a restart is still stopping wins: the restart does not start the watcher afterwards', async () => {
		daemon = await startDaemon(`[watcher:stubborn]\ncmd = sh -c 'trap "" TERM; while :; do sleep 1; done'\ngraceful_timeout = 2\n`);
		await waitFor(async () => (await daemon!.ok('status', {name: 'stubborn'})).status === 'active');
		const other = await SocketClient.connect(daemon.endpoint);
		const restart = daemon.client.call('restart', {name: 'stubborn'}, {timeoutMs: 30_000});
		// The restart's stop has run: its process ignores SIGTERM, so it stays stopping for 2 s.
		await waitFor(async () => (await other.call('status', {name: 'stubborn'})).status === 'stopping', {what: 'the restart to be stopping'});
		const stop = await other.call('stop', {name: 'stubborn'}, {timeoutMs: 30_000});
		expect(stop).toMatchObject({status: 'ok'});
		expect(await restart).toMatchObject({status: 'ok', info: {superseded: 'stop'}});
		// The restart's reply is its last act (arbiter.restartWatchers decides to start or not, then
		// replies), so nothing of it can start the watcher after this point: no need to wait and see.
		expect((await daemon.ok('status', {name: 'stubborn'})).status).toBe('stopped');
		expect(pids(await daemon.ok('list', {name: 'stubborn'}))).toEqual([]);
		await other.close();
	});
});
