import fs from 'node:fs';
import http from 'node:http';
import type {Daemon} from '../helpers/daemon.js';

/** What the scenarios read from `dstats`: procui's evidence of what happened. */
export type DaemonStats = {
	readonly open_fds: number;
	readonly output_sources: number;
	readonly processes: number;
	readonly sources: ReadonlyArray<{readonly owner: string; readonly fds: readonly number[]}>;
	readonly ticks: number;
	readonly ticks_during_commands: number;
	readonly commands_run: number;
	readonly activations: number;
	readonly signals: Readonly<Record<string, number>>;
	readonly reloads: number;
	readonly log_dropped: number;
	readonly log_pending_bytes: number;
};

export async function dstats(daemon: Pick<Daemon, 'ok'>): Promise<DaemonStats> {
	return ((await daemon.ok('dstats')) as unknown as {info: DaemonStats}).info;
}

/** A small, seedable PRNG (mulberry32), so a chaos run can be replayed from its seed. */
export function random(seed: number): {next: () => number; int: (n: number) => number; pick: <T>(items: readonly T[]) => T} {
	let state = seed >>> 0;
	const next = (): number => {
		state = (state + 0x6D_2B_79_F5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};

	const int = (n: number): number => Math.floor(next() * n);
	return {next, int, pick: (items) => items[int(items.length)]!};
}

/** The state letter and parent of a process, from /proc (undefined once it is gone). */
function procStat(pid: number): {state: string; ppid: number} | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {state: fields[0]!, ppid: Number(fields[1])};
	} catch {
		return undefined;
	}
}

/** Direct children of `pid`, with their state (Z = a zombie nobody reaped). */
export function childrenOf(pid: number): Array<{pid: number; state: string}> {
	const children: Array<{pid: number; state: string}> = [];
	for (const name of fs.readdirSync('/proc')) {
		if (/^\d+$/.test(name)) {
			const stat = procStat(Number(name));
			if (stat?.ppid === pid) {
				children.push({pid: Number(name), state: stat.state});
			}
		}
	}

	return children;
}

/** The inode of a socket a process holds as `fd`. */
export function socketInode(pid: number, fd: number): string {
	return /socket:\[(\d+)]/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))![1]!;
}

/** The inodes of every TCP socket on the system. Whether a socket is still open anywhere is
asked this way, not by connecting to its port: another test may have taken the port number since. */
export function tcpInodes(): string[] {
	return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => fs.readFileSync(file, 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/)[9] ?? ''));
}

/** Which processes hold socket `inode` open, as `pid (comm, parent PPID): fd N`, for a failure to name them. */
export function socketHolders(inode: string): string[] {
	const holders: string[] = [];
	for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			for (const fd of fs.readdirSync(`/proc/${entry}/fd`)) {
				if (fs.readlinkSync(`/proc/${entry}/fd/${fd}`) === `socket:[${inode}]`) {
					const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
					const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
					holders.push(`${entry} (${comm}, parent ${ppid}, ${fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}): fd ${fd}`);
				}
			}
		} catch {
			// Gone meanwhile, or not ours to read.
		}
	}

	return holders;
}

/** The descriptors a process has open (its /proc/PID/fd listing). */
export function openFds(pid: number): number[] {
	return fs.readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
}

/** One HTTP request's outcome: served, refused or reset cleanly, or hung (no answer in time). */
export type RequestOutcome = {kind: 'served'; body: string; ms: number} | {kind: 'refused' | 'reset'; code: string; ms: number} | {kind: 'hung'; ms: number};

export async function httpGet(port: number, timeoutMs: number): Promise<RequestOutcome> {
	const started = performance.now();
	return new Promise((resolve) => {
		const request = http.get({host: '127.0.0.1', port, path: '/', agent: false}, (response) => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				body += chunk;
			});
			response.on('end', () => {
				clearTimeout(timer);
				resolve({kind: 'served', body, ms: performance.now() - started});
			});
			response.on('error', (error: NodeJS.ErrnoException) => {
				clearTimeout(timer);
				resolve({kind: 'reset', code: error.code ?? error.message, ms: performance.now() - started});
			});
		});
		const timer = setTimeout(() => {
			request.destroy();
			resolve({kind: 'hung', ms: performance.now() - started});
		}, timeoutMs);
		request.on('error', (error: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			const ms = performance.now() - started;
			resolve(error.code === 'ECONNREFUSED' ? {kind: 'refused', code: error.code, ms} : {kind: 'reset', code: error.code ?? error.message, ms});
		});
	});
}

/** A tiny HTTP server in Python on an inherited listening socket (fd from argv[1]); it answers
with its pid. Python is a test dependency here only, as it is for CI's node-pty build. */
export const pythonHttpServer = `
import http.server, os, socket, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("served by %d\\n" % os.getpid()).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
server.socket.close()
server.socket = socket.socket(fileno=int(sys.argv[1]))
print("serving", flush=True)
server.serve_forever()
`;

/** Write `text` to `dir/name` and return the path. */
export function writeFile(dir: string, name: string, text: string): string {
	const file = `${dir}/${name}`;
	fs.writeFileSync(file, text);
	return file;
}
