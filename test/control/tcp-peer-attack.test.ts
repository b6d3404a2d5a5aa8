/**
Another user must never run a command over a tcp:// endpoint, however it times its connection.
The attack that broke the first peer check: send a request and close the socket at once, so the
client's row in /proc/net/tcp is an orphan whose uid reads 0 (root's), among decoy connections.
*/
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/daemon.js';
import {isRoot, runAsNobody, startTcpDaemon, type TcpDaemon} from './tcp-daemon.js';

const attempts = 200;

// Each round: a decoy that connects and leaves, a decoy that stays a moment, and the attack
// itself: connect, send `add --start` of a watcher that would create `target`, close at once.
const attacker = `
const net = require('node:net');
const [host, port, count, target] = process.argv.slice(1);
const open = () => new Promise(resolve => {
	const socket = net.connect(Number(port), host, () => resolve(socket));
	socket.on('error', () => resolve(undefined));
});
(async () => {
	for (let i = 0; i < Number(count); i++) {
		(await open())?.destroy();
		const lingering = await open();
		const socket = await open();
		if (socket) {
			socket.write(JSON.stringify({id: 'a' + i, command: 'add', properties: {name: 'pwn' + i, cmd: 'touch ' + target, start: true}}) + '\\n');
			socket.destroy();
		}
		lingering?.destroy();
	}
	console.log('done');
})();
`;

let daemon: TcpDaemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

describe.each(['127.0.0.1', '::1'])('a tcp:// endpoint on %s', host => {
	// Skipped only when not root: the other user's side runs as nobody (CI runs as root).
	it.skipIf(!isRoot)(`runs none of ${attempts} commands another user sends and abandons at once among decoys`, async () => {
		daemon = await startTcpDaemon(host);
		const target = path.join(daemon.dir, 'pwned');
		const refused = async () => ((await daemon!.dstats()).control as {refused: number}).refused;
		const before = await refused();
		expect(await runAsNobody(attacker, [host, String(daemon.port), String(attempts), target])).toContain('done');
		// Every connection of the attack (three a round) has been judged once the server counts it refused.
		await waitFor(async () => await refused() - before >= 3 * attempts, {
			timeoutMs: 60_000,
			what: 'every connection of the attack to be refused',
		});
		expect(fs.existsSync(target)).toBe(false);
		const {watchers} = await daemon.client.call('list') as unknown as {watchers: string[]};
		expect(watchers.filter(name => name.startsWith('pwn'))).toEqual([]);
	});
});
