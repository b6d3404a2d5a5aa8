/**
W4's floor for a control command: a CommonJS Node script that connects to a procui socket, sends
one `status` request, prints each watcher's state as `procui ctl status` does, and exits. No
argument parsing, no checks: what any Node client of the endpoint costs at least, beside
`node -e 0`. `node dist/test/bench/status-client.cjs SOCKET`.
*/
import {connect} from 'node:net';

const socket = connect(process.argv[2]!);
let reply = '';
socket.setEncoding('utf8');
socket.on('connect', () => {
	socket.write(`${JSON.stringify({id: '1', command: 'status', properties: {}})}\n`);
});
socket.on('data', (chunk: string) => {
	reply += chunk;
	if (reply.includes('\n')) {
		const {statuses} = JSON.parse(reply) as {statuses: Record<string, string>};
		process.stdout.write(Object.entries(statuses).map(([name, status]) => `${name}: ${status}\n`).join(''));
		socket.end();
	}
});
