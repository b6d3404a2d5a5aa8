/**
W4's baseline server: a Node process answering each JSON request line with a reply line, over a
Unix socket, as procui's endpoint frames them, and doing nothing else. The round trip through it
is the floor for any Node control endpoint: `node dist/test/bench/echo-server.js SOCKET`.
*/
import fs from 'node:fs';
import net from 'node:net';

const socketPath = process.argv[2];
if (!socketPath) {
	process.stderr.write('usage: echo-server.js SOCKET\n');
	process.exit(2);
}

fs.rmSync(socketPath, {force: true});
const server = net.createServer(connection => {
	let pending = '';
	connection.setEncoding('utf8');
	connection.on('data', (chunk: string) => {
		pending += chunk;
		let newline = pending.indexOf('\n');
		while (newline !== -1) {
			const request = JSON.parse(pending.slice(0, newline)) as {id: string};
			pending = pending.slice(newline + 1);
			connection.write(`${JSON.stringify({id: request.id, status: 'ok', time: Date.now() / 1000, statuses: {}})}\n`);
			newline = pending.indexOf('\n');
		}
	});
	connection.on('error', () => undefined);
});
server.listen(socketPath);
process.on('SIGTERM', () => {
	server.close();
	process.exit(0);
});
