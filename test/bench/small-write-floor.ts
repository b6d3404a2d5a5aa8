/**
W2's floors for the small-write flood: the same child (`yes LINE | head -c N`) writing into a socket
pair whose writing end has a 1 MiB send buffer, as procui gives its children, read by one thread
that writes the file itself with no scrollback and nothing else to do: a Node script
(small-write-reader.cts, reads as procui makes them) and a Python loop (supervisord's: wait for
the descriptor, read 128 KiB, write). What a supervisor written in each costs at least; procui
keeps no file write on its scheduler's thread (DESIGN), so it also pays for handing every batch to
its writer thread. A Python launcher makes the pair and starts the child and the reader, the child
once the reader is ready; times run from the child's start to the reader's end of file, CPU is the
reader's own.
*/
import childProcess from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const reader = path.join(path.dirname(fileURLToPath(import.meta.url)), 'small-write-reader.cjs');

/** Python: argv KIND OUT N LINE NODE READER; prints {"bytes", "cpu", "seconds"}. */
const launcher = String.raw`
import json, os, resource, select, socket, subprocess, sys, time
kind, out, n, line, node, reader = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
ours, theirs = socket.socketpair()
theirs.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
command = ['sh', '-c', 'yes %s | head -c %d' % (line, n)]
fd = ours.fileno()
if kind == 'node':
    process = subprocess.Popen([node, reader, out, str(fd)], pass_fds=(fd,), stdout=subprocess.PIPE, text=True)
    if process.stdout.readline().strip() != 'ready':
        sys.exit('the Node reader did not start')
    ours.close()
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=theirs)
    theirs.close()
    result = json.loads(process.stdout.readline())
    seconds = time.monotonic() - started
    process.wait()
else:
    target = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=theirs)
    theirs.close()
    got = 0
    while True:
        select.select([fd], [], [])
        data = os.read(fd, 131072)
        if not data:
            break
        view = memoryview(data)
        while view:
            view = view[os.write(target, view):]
        got += len(data)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    os.close(target)
    result = {'bytes': got, 'cpu': (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}
child.wait()
result['seconds'] = seconds
print(json.dumps(result))
`;

export type FloorKind = 'node' | 'python';

/** One floor flood into `out`: seconds from the child's start to the reader's end of file, the reader's CPU seconds. */
export async function floodFloor(kind: FloorKind, line: string, bytes: number, out: string, timeoutMs: number): Promise<{seconds: number; bytes: number; cpu: number}> {
	return new Promise((resolve, reject) => {
		childProcess.execFile('python3', ['-c', launcher, kind, out, String(bytes), line, process.execPath, reader], {timeout: timeoutMs}, (error, stdout, stderr) => {
			if (error) {
				reject(new Error(`the ${kind} floor failed: ${error.message}${stderr.trim() === '' ? '' : ` (${stderr.trim()})`}`));
				return;
			}

			try {
				const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {seconds: number; bytes: number; cpu: number};
				resolve(result);
			} catch {
				reject(new Error(`the ${kind} floor printed no result: ${stdout.trim()}`));
			}
		});
	});
}
