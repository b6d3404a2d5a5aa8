import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply, type Reply} from '../../source/control/protocol.js';
import {pidsMatching, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';
import {dstats, random} from './helpers.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

function watchers(count: number, processes: number, marker: string): string {
	return Array.from({length: count}, (_, index) => `
[watcher:w${index + 1}]
cmd = sleep ${marker}
numprocesses = ${processes}
warmup_delay = 1
`).join('');
}

type Statuses = Record<string, string>;

async function statuses(d: Daemon): Promise<Statuses> {
	return (await d.ok('status') as unknown as {statuses: Statuses}).statuses;
}

describe('a long startup (Circus BUG-3)', () => {
	it('Scenario B: 5 watchers × 5 processes with warmup_delay 1 while clients stop and start them; a quit during startup stops everything', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[circus]\ncheck_delay = 0.05\n${watchers(5, 5, marker)}`);
		const bootedAt = Date.now();
		const names = ['w1', 'w2', 'w3', 'w4', 'w5'];
		const replies: Array<{command: string; name: string; reply: Reply}> = [];
		const seen: Statuses[] = [];
		const until = Date.now() + 6000;
		const clients = await Promise.all([1, 2, 3].map(async (seed) => {
			const client = await SocketClient.connect(daemon!.endpoint);
			const rng = random(seed);
			while (Date.now() < until) {
				const name = rng.pick(names);
				const command = rng.pick(['stop', 'start']);
				replies.push({command, name, reply: await client.call(command, {name}, {timeoutMs: 60_000})});
				seen.push(await statuses(daemon!));
			}

			return client;
		}));
		// Still starting: the 25 processes need about 20 s, so some are missing yet.
		const running = pidsMatching(marker).length;
		const stats = await dstats(daemon);
		const quitAt = Date.now();
		const quit = await daemon.call('quit');
		const exit = await daemon.exited;
		const quitMs = Date.now() - quitAt;
		const summary = {commands: replies.length, errors: replies.filter((entry) => isErrorReply(entry.reply)).length, runningAtQuit: running, startingSeen: seen.filter((entry) => Object.values(entry).includes('starting')).length, ticksDuringCommands: stats.ticks_during_commands, quitAfterMs: quitAt - bootedAt, quitTookMs: quitMs};
		console.log(`Scenario B: ${JSON.stringify(summary)}`);
		expect(replies.filter((entry) => isErrorReply(entry.reply))).toEqual([]);
		expect(JSON.stringify(replies)).not.toMatch(/conflict|already running/i);
		// The situation happened: commands ran while watchers were starting, and ticks ran during them.
		expect(summary.startingSeen).toBeGreaterThan(0);
		expect(summary.ticksDuringCommands).toBeGreaterThan(0);
		expect(running).toBeLessThan(25);
		// A quit during startup is not held up by it, and leaves nothing behind.
		expect(quit).toMatchObject({status: 'ok'});
		expect(exit).toBe(0);
		expect(pidsMatching(marker)).toEqual([]);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error/);
		await Promise.all(clients.map(async (client) => client.close()));
	}, 90_000);

	it('does not start at boot a watcher that someone stopped while the supervisor was starting', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(watchers(4, 2, marker));
		await daemon.ok('stop', {name: 'w3'});
		// The boot starts them in order: once w4 runs, the boot is past w3.
		await waitFor(async () => {
			const all = await statuses(daemon!);
			return all.w1 === 'active' && all.w2 === 'active' && all.w4 === 'active';
		}, {what: 'w1, w2 and w4 to start', timeoutMs: 30_000});
		expect((await statuses(daemon)).w3).toBe('stopped');
		expect(pidsMatching(marker).length).toBe(6);
	});
});
