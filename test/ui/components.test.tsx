import {afterEach, describe, expect, test} from 'vitest';
import {ChartPane} from '../../source/ui/components/ChartPane.js';
import {Footer} from '../../source/ui/components/Footer.js';
import {Header} from '../../source/ui/components/Header.js';
import {LogPane} from '../../source/ui/components/LogPane.js';
import {ProcessTable} from '../../source/ui/components/ProcessTable.js';
import {WatcherList} from '../../source/ui/components/WatcherList.js';
import {LogBuffer} from '../../source/ui/logs/log-buffer.js';
import {Slots} from '../../source/ui/live/slots.js';
import {sampleOverview} from './fixtures.js';
import {renderFrame, type Rendered} from './render-frame.js';

const mounted: Rendered[] = [];
const show = (node: Parameters<typeof renderFrame>[0], columns: number, rows = 24): string => {
	const rendered = renderFrame(node, {columns, rows});
	mounted.push(rendered);
	return rendered.lastFrame();
};

afterEach(() => {
	for (const rendered of mounted.splice(0)) {
		rendered.unmount();
	}
});

const overview = sampleOverview();

describe('frames', () => {
	test('the watcher list: glyph, state, running/desired, CPU, memory, restarts, back-off detail', () => {
		expect(show(<WatcherList rows={overview.watchers} selected='worker' focused width={76} height={6}/>, 76)).toMatchInlineSnapshot(`
			"╭─ Watchers (3) ───────────────────────────────────────────────────────────╮
			│   WATCHER STATE    PROCS   CPU    MEM   ↻ DETAIL                         │
			│ ● ticker  active     1/1  0.5%  10.0M   0                                │
			│▸● worker  active     3/3  1.5%  30.0M   0                                │
			│ ◐ flaky   backoff    0/1    0%     0B   4 backing off: respawn in 0.4 s  │
			╰──────────────────────────────────────────────────────────────────────────╯"
		`);
	});

	test('a narrow watcher list drops the least important columns first', () => {
		expect(show(<WatcherList rows={overview.watchers} selected='ticker' focused={false} width={34} height={6}/>, 34)).toMatchInlineSnapshot(`
			"╭─ Watchers (3) ─────────────────╮
			│   WATCHER PROCS   ↻ DETAIL     │
			│▸● ticker    1/1   0            │
			│ ● worker    3/3   0            │
			│ ◐ flaky     0/1   4 0.4s       │
			╰────────────────────────────────╯"
		`);
	});

	test('the process table: pid, wid, state, CPU, RSS, age, restarts and last exit of the slot', () => {
		const slots = new Slots();
		slots.spawned('worker', 2, 150);
		slots.reaped('worker', 2, -9);
		slots.spawned('worker', 2, 202);
		expect(show(<ProcessTable watcher={overview.watchers[1]} selected={202} focused width={80} height={7} slot={(name, wid) => slots.get(name, wid)}/>, 80)).toMatchInlineSnapshot(`
			"╭─ Processes · worker 3/3 ─────────────────────────────────────────────────────╮
			│ PID     WID STATE      CPU    RSS    AGE   ↻ LAST EXIT COMMAND               │
			│ 201       1 running   0.5%  10.0M  1m05s   0 -         python3 worker.py     │
			│▸202       2 running   0.5%  10.0M  1m05s   1 SIGKILL   python3 worker.py     │
			│ 203       3 running   0.5%  10.0M  1m05s   0 -         python3 worker.py     │
			│                                                                              │
			╰──────────────────────────────────────────────────────────────────────────────╯"
		`);
	});

	// 43 columns: the process pane of a 120-column terminal. Restarts stay; the last exit is in the title.
	test('a narrow process table keeps the restarts, and says which processes show when there are more than rows', () => {
		const slots = new Slots();
		slots.spawned('worker', 2, 150);
		slots.reaped('worker', 2, -9);
		slots.spawned('worker', 2, 202);
		const frame = show(<ProcessTable watcher={overview.watchers[1]} selected={202} focused width={43} height={5} slot={(name, wid) => slots.get(name, wid)}/>, 43);
		expect(frame.split('\n')[0]).toMatch(/ 1-2 of 3 ─*╮$/u);
		expect(frame.split('\n')[1]).toMatch(/PID +STATE +CPU +RSS +AGE +↻│$/u);
		expect(frame.split('\n').find((line) => line.includes('202'))).toMatch(/ 1│$/u);
	});

	test('a process stopped by a signal (SIGSTOP) reads paused, not running', () => {
		const watcher = {...overview.watchers[1]!, processes: overview.watchers[1]!.processes.map((row, index) => (index === 0 ? {...row, paused: true} : row))};
		const frame = show(<ProcessTable watcher={watcher} selected={undefined} focused width={80} height={7} slot={() => ({restarts: 0, pid: undefined, lastExit: undefined})}/>, 80);
		expect(frame.split('\n').find((line) => line.includes('201'))).toMatch(/201 +1 paused /u);
		expect(frame.split('\n').find((line) => line.includes('202'))).toMatch(/202 +2 running /u);
	});

	test('a stopped watcher\'s process table says how to start it', () => {
		expect(show(<ProcessTable watcher={overview.watchers[2]} selected={undefined} focused={false} width={60} height={5} slot={() => ({restarts: 0, pid: undefined, lastExit: undefined})}/>, 60)).toMatchInlineSnapshot(`
			"╭─ Processes · flaky 0/1 ── backing off: respawn in 0.4 s ─╮
			│ PID     WID STATE      CPU    RSS    AGE   ↻ LAST EXIT   │
			│ no process running (backoff)                             │
			│                                                          │
			╰──────────────────────────────────────────────────────────╯"
		`);
	});

	test('the header, at 80 and 120 columns', () => {
		const header = (width: number) => <Header overview={overview} mode='embedded' statsAt={1000} now={1500} lost={undefined} width={width}/>;
		expect(show(header(80), 80)).toMatchInlineSnapshot(`" procui  circus.ini · 3 watchers · 4 procs · CPU 2.0% · MEM 40.0M      EMBEDDED"`);
		expect(show(header(120), 120)).toMatchInlineSnapshot(`" procui  /srv/app/circus.ini · 3 watchers · 4 processes · CPU 2.0% · MEM 40.0M         ipc:///run/procui.sock  EMBEDDED"`);
		expect(show(<Header overview={overview} mode='attached' statsAt={1000} now={9000} lost={undefined} width={100}/>, 100)).toMatchInlineSnapshot(`" procui  circus.ini · 3 watchers · 4 procs · CPU 2.0% · MEM 40.0M ⚠ no update for 8 s      ATTACHED"`);
	});

	test('disconnected, the header\'s counts and totals read unknown', () => {
		expect(show(<Header overview={overview} mode='attached' statsAt={1000} now={1500} lost='disconnected, retrying' width={100}/>, 100)).toMatchInlineSnapshot(`" procui  circus.ini · ? watchers · ? procs · CPU ? · MEM ? ✖ disconnected, retrying        ATTACHED"`);
		expect(show(<Header overview={overview} mode='attached' statsAt={1000} now={1500} lost='disconnected, retrying' width={80}/>, 80)).toMatchInlineSnapshot(`" procui  circus.ini · ? watchers · ? procs… ✖ disconnected, retrying   ATTACHED"`);
	});

	test('the log pane shows the newest lines and what it is doing', () => {
		const buffer = new LogBuffer();
		buffer.append('worker', 201, ['booting', '\u001B[32mready\u001B[39m on :8080', 'GET / 200', 'GET /a 200', 'GET /b 404'].map((text, index) => ({seq: index + 1, time: 0, text})));
		const pane = (follow: boolean) => (
			<LogPane buffer={buffer} log={{source: {kind: 'watcher', name: 'worker'}, loading: false, complete: true, error: undefined}} version={buffer.version} follow={follow} anchor={4} wrap={false} timestamps={false} hscroll={0} query='' currentMatch={undefined} searchMessage={undefined} prefix='none' prefixWidth={6} focused width={50} height={5}/>
		);
		expect(show(pane(true), 50)).toMatchInlineSnapshot(`
			"╭─ Logs · worker ──────────────────── following ─╮
			│GET / 200                                       │
			│GET /a 200                                      │
			│GET /b 404                                      │
			╰────────────────────────────────────────────────╯"
		`);
		expect(show(pane(false), 50)).toMatchInlineSnapshot(`
			"╭─ Logs · worker ───────────── paused · 1 newer ─╮
			│ready on :8080                                  │
			│GET / 200                                       │
			│GET /a 200                                      │
			╰────────────────────────────────────────────────╯"
		`);
	});

	test('a paused view whose lines were evicted (a flood) shows the oldest page held', () => {
		const buffer = new LogBuffer(10);
		buffer.append('flood', 9, Array.from({length: 12}, (_, index) => ({seq: index + 1, time: 0, text: `line ${index + 1}`})));
		expect(buffer.start).toBe(2);
		const frame = show(<LogPane buffer={buffer} log={{source: {kind: 'watcher', name: 'flood'}, loading: false, complete: true, error: undefined}} version={buffer.version} follow={false} anchor={1} wrap={false} timestamps={false} hscroll={0} query='' currentMatch={undefined} searchMessage={undefined} prefix='none' prefixWidth={6} focused width={40} height={4}/>, 40);
		expect(frame.split('\n').slice(1, 3)).toEqual(['│line 3                                │', '│line 4                                │']);
	});

	test('the history charts of a selection', () => {
		const samples = {cpu: [0, 1, 2, 4, 8, 4, 2, 1], rss: [10, 10, 12, 12, 14, 14, 14, 14].map((mib) => mib * 1024 * 1024)};
		expect(show(<ChartPane label='worker' samples={samples} version={1} width={34} height={8}/>, 34)).toMatchInlineSnapshot(`
			"╭─ History · worker ────── 52 s ─╮
			│CPU 1.0%               peak 8.0%│
			│  10%┤                       ⢀⢆ │
			│    0┤                      ⡠⠜⠈⠦│
			│MEM 14.0M             peak 14.0M│
			│  20M┤                      ⣀⣀⠤⠤│
			│    0┤                          │
			╰────────────────────────────────╯"
		`);
	});

	test('disconnected, the charts keep their history but not a current value', () => {
		const samples = {cpu: [0, 1, 2, 4, 8, 4, 2, 1], rss: [10, 10, 12, 12, 14, 14, 14, 14].map((mib) => mib * 1024 * 1024)};
		expect(show(<ChartPane unknown label='worker' samples={samples} version={1} width={34} height={8}/>, 34)).toMatchInlineSnapshot(`
			"╭─ History · worker ────── 52 s ─╮
			│CPU ?                  peak 8.0%│
			│  10%┤                       ⢀⢆ │
			│    0┤                      ⡠⠜⠈⠦│
			│MEM ?                 peak 14.0M│
			│  20M┤                      ⣀⣀⠤⠤│
			│    0┤                          │
			╰────────────────────────────────╯"
		`);
	});

	test('the footer fits the key hints to the width', () => {
		expect(show(<Footer width={80}/>, 80)).toMatchInlineSnapshot(`"↑↓ select  Tab focus  ⏎ open  s start  x stop  r restart  : cmd  ? help  q quit"`);
		expect(show(<Footer width={50}/>, 50)).toMatchInlineSnapshot(`"↑↓ select  Tab focus  ⏎ open  ? help  q quit"`);
	});
});
