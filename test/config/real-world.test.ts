import {describe, expect, it} from 'vitest';
import {formatIssue} from '../../source/config/issues.js';
import {loadIni} from './fixtures.js';

/** A web application's circus.ini, written the way the Circus documentation's examples are. */
const circusIni = `# Circus configuration for the webapp
[circus]
check_delay = 5
endpoint = tcp://127.0.0.1:5555
pubsub_endpoint = tcp://127.0.0.1:5556
stats_endpoint = tcp://127.0.0.1:5557
statsd = True
httpd = False
loglevel = info

[watcher:web]
cmd = chaussette --fd $(circus.sockets.web) --backend meinheld webapp.wsgi.application
use_sockets = True
numprocesses = 5
copy_env = True
working_dir = /srv/webapp
stop_signal = QUIT
graceful_timeout = 10
max_age = 3600
max_age_variance = 300
rlimit_nofile = 8192
stdout_stream.class = FileStream
stdout_stream.filename = /var/log/circus/web.out.log
stdout_stream.max_bytes = 10485760
stdout_stream.backup_count = 4
stdout_stream.time_format = %Y-%m-%d %H:%M:%S
stderr_stream.class = FileStream
stderr_stream.filename = /var/log/circus/web.err.log
hooks.before_start = webapp.hooks.wait_for_db

[watcher:worker]
cmd = python -m webapp.worker --id $(circus.wid)
numprocesses = 3
copy_env = True
virtualenv = venv
stdout_stream.class = circus.stream.FancyStdoutStream
stdout_stream.color = green

[watcher:redis]
cmd = redis-server
args = /etc/redis/redis.conf
singleton = True
priority = 10

[socket:web]
host = 127.0.0.1
port = 8888

[env:web,worker]
PYTHONPATH = /srv/webapp:$PYTHONPATH
DJANGO_SETTINGS_MODULE = webapp.settings

[plugin:flapping]
use = circus.plugins.flapping.Flapping
retry_in = 3
max_retry = 2
`;

describe('a real-world circus.ini', () => {
	it('loads unchanged, with warnings only for what procui does not do', () => {
		const config = loadIni(circusIni, {'venv/lib/python3.11/site-packages/.keep': ''});
		expect(config.warnings.map(issue => formatIssue(issue, config.directory))).toEqual([
			'circus.ini:5: warning: pubsub_endpoint: procui has no separate PUB socket: events are sent on the control endpoint after `subscribe`; ignored',
			'circus.ini:6: warning: stats_endpoint: procui has no circusd-stats: stats come from the control endpoint (`stats`, `subscribe stats`); ignored',
			'circus.ini:7: warning: statsd: procui has no circusd-stats watcher: stats come from the control endpoint (`stats`, `subscribe stats`); for statsd counters add a [plugin:NAME] with use = circus.plugins.statsd.StatsdEmitter or FullStats; ignored',
			'circus.ini:29: warning: hooks.before_start: "webapp.hooks.wait_for_db" looks like a Python callable, which procui cannot run; give an executable or a shell command instead (hooks.before_start = ./scripts/before_start.sh); ignored',
		]);
	});

	it('reads the arbiter, the watchers and the socket as Circus would', () => {
		const config = loadIni(circusIni, {'venv/lib/python3.11/site-packages/.keep': ''});
		expect(config.arbiter).toMatchObject({endpoint: 'tcp://127.0.0.1:5555', checkDelay: 5, loglevel: 'info'});
		expect(config.watchers.map(watcher => watcher.name)).toEqual(['redis', 'web', 'worker']);
		const [redis, web, worker] = config.watchers;
		expect(web).toMatchObject({
			cmd: 'chaussette --fd $(circus.sockets.web) --backend meinheld webapp.wsgi.application',
			useSockets: true,
			numprocesses: 5,
			copyEnv: true,
			workingDir: '/srv/webapp',
			stopSignal: 3,
			gracefulTimeout: 10,
			maxAge: 3600,
			maxAgeVariance: 300,
			rlimits: {nofile: 8192},
			stdoutStream: {class: 'FileStream', filename: '/var/log/circus/web.out.log', maxBytes: 10_485_760, backupCount: 4, timeFormat: '%Y-%m-%d %H:%M:%S'},
			stderrStream: {class: 'FileStream', filename: '/var/log/circus/web.err.log'},
			env: {PYTHONPATH: '/srv/webapp:', DJANGO_SETTINGS_MODULE: 'webapp.settings'},
			flapping: {attempts: 2, window: 1, retryIn: 3, maxRetry: 2, enabled: true},
		});
		expect(worker).toMatchObject({cmd: 'python -m webapp.worker --id $(circus.wid)', numprocesses: 3, stdoutStream: {class: 'FancyStdoutStream', color: 'green'}});
		expect(redis).toMatchObject({cmd: 'redis-server', args: '/etc/redis/redis.conf', singleton: true, priority: 10, env: {}});
		expect(config.sockets).toMatchObject([{name: 'web', host: '127.0.0.1', port: 8888, family: 'AF_INET', type: 'SOCK_STREAM'}]);
	});
});
