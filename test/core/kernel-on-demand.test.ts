import {describe, expect, it} from 'vitest';
import type {SocketSource} from '../../source/core/on-demand.js';
import {kernel, recordSpawns, watcher, type Kernel} from './fakes.js';

/* on_demand: socket activation as commands on the scheduler, with a fake socket source. */

type Wait = {
	readonly fds: readonly number[];
	readonly callbacks: {onReady: () => void; onLost: () => void};
	/** procui cancelled it. */
	cancelled: boolean;
	/** It ended on its own: it saw a connection, or its helper was lost. */
	ended: boolean;
};

/** Bound sockets that never see a real connection: the test says when one is pending. */
class FakeSockets implements SocketSource {
	readonly waits: Wait[] = [];

	fds(): Readonly<Record<string, number>> {
		return {web: 7};
	}

	waitForConnection(fds: readonly number[], callbacks: {onReady: () => void; onLost: () => void}): {cancel: () => Promise<void>} {
		const wait: Wait = {fds, callbacks, cancelled: false, ended: false};
		this.waits.push(wait);
		return {
			async cancel() {
				wait.cancelled = true;
			},
		};
	}

	/** The waits still open. */
	get open(): Wait[] {
		return this.waits.filter((wait) => !wait.cancelled && !wait.ended);
	}

	/** A connection is pending: every open wait sees it and ends, as the helper does. */
	connect(): void {
		for (const wait of this.open) {
			wait.ended = true;
			wait.callbacks.onReady();
		}
	}

	/** Every open wait's helper is gone without seeing a connection. */
	lose(): void {
		for (const wait of this.open) {
			wait.ended = true;
			wait.callbacks.onLost();
		}
	}
}

function onDemandKernel(options: Record<string, string> = {}): {k: Kernel; sockets: FakeSockets} {
	const sockets = new FakeSockets();
	const k = kernel([watcher('web', {cmd: 'server --fd $(circus.sockets.web)', on_demand: 'true', ...options}, ['web'])], {arbiterOptions: {sockets}});
	return {k, sockets};
}

describe('kernel: on_demand', () => {
	it('is not started at boot; it waits for a connection on its socket', async () => {
		const {k, sockets} = onDemandKernel();
		await k.arbiter.start();
		await k.settle();
		expect(k.children.all).toHaveLength(0);
		expect(sockets.open.map((wait) => wait.fds)).toEqual([[7]]);
		expect(k.arbiter.get('web').status).toBe('stopped');
	});

	it('a connection starts it as a command, and it stops waiting while its process runs', async () => {
		const {k, sockets} = onDemandKernel();
		await k.arbiter.start();
		await k.settle();
		sockets.connect();
		await k.settle();
		expect(k.alive('web')).toHaveLength(1);
		expect(k.arbiter.activations).toBe(1);
		expect(sockets.open).toHaveLength(0);
		expect(k.topics()).toEqual(['web.start', 'web.spawn']);
	});

	it('once its process exits it is stopped, waits again, and the next connection starts it again', async () => {
		const {k, sockets} = onDemandKernel();
		await k.arbiter.start();
		await k.settle();
		sockets.connect();
		await k.settle();
		await k.clock.advance(5000);
		k.children.all[0]!.exit(0);
		await k.settle();
		// Not replaced now: at the next connection.
		expect(k.children.all).toHaveLength(1);
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(sockets.open).toHaveLength(1);
		sockets.connect();
		await k.settle();
		expect(k.children.all).toHaveLength(2);
		expect(k.arbiter.activations).toBe(2);
	});

	it('does not restart in a tight loop a process that dies at each connection: the back-off holds across activations', async () => {
		const {k, sockets} = onDemandKernel({check_flapping: 'false'});
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});

		await k.arbiter.start();
		for (let connection = 0; connection < 5; connection++) {
			sockets.connect();
			await k.clock.advance(0);
		}

		expect(times).toEqual([0, 0]);
		await k.clock.advance(100);
		expect(times).toEqual([0, 0, 100]);
	});

	it('a lost wait is taken up again after a second', async () => {
		const {k, sockets} = onDemandKernel();
		await k.arbiter.start();
		await k.settle();
		sockets.lose();
		await k.settle();
		expect(sockets.open).toHaveLength(0);
		expect(k.logs).toContain('warning: web: the wait for a connection ended without one; waiting again in 1 s');
		await k.clock.advance(999);
		expect(sockets.open).toHaveLength(0);
		await k.clock.advance(1);
		expect(sockets.open).toHaveLength(1);
	});

	it('quit ends the wait; a connection after it starts nothing', async () => {
		const {k, sockets} = onDemandKernel();
		await k.arbiter.start();
		await k.settle();
		const wait = sockets.open[0]!;
		await k.outcome(k.arbiter.quit());
		expect(wait.cancelled).toBe(true);
		wait.callbacks.onReady();
		await k.settle();
		expect(k.children.all).toHaveLength(0);
	});

	it('a person\'s start runs it without a connection; a stop makes it wait again', async () => {
		const {k, sockets} = onDemandKernel();
		await k.arbiter.start();
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(k.alive('web')).toHaveLength(1);
		expect(sockets.open).toHaveLength(0);
		await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(sockets.open).toHaveLength(1);
		expect(k.arbiter.activations).toBe(0);
	});
});
