import {describe, expect, it} from 'vitest';
import {LatencyHistogram} from '../../source/control/latency-histogram.js';
import {PromText} from '../../source/control/prom-text.js';
import {checkMetrics} from '../helpers/promtool.js';

describe('the Prometheus text format', () => {
	it('escapes label values and help text so that odd watcher names cannot break the page', () => {
		const text = new PromText()
			.family('procui_watcher_restarts_total', 'counter', 'Restarts.\nWith a \\ in the help.', [[{watcher: 'a "quoted"\nname\\x'}, 3]])
			.toString();
		expect(text).toBe([
			'# HELP procui_watcher_restarts_total Restarts.\\nWith a \\\\ in the help.',
			'# TYPE procui_watcher_restarts_total counter',
			'procui_watcher_restarts_total{watcher="a \\"quoted\\"\\nname\\\\x"} 3',
			'',
		].join('\n'));
		expect(checkMetrics(text)).toEqual({output: '', status: 0});
	});

	it('writes histograms with cumulative buckets, +Inf, _sum and _count; unknown commands share one label', () => {
		const histogram = new LatencyHistogram((command) => command === 'status');
		histogram.observe('status', 0.003);
		histogram.observe('status', 2);
		histogram.observe('made-up', 0.5);
		const text = new PromText();
		histogram.write(text, 'procui_command_duration_seconds', 'Latency.');
		const lines = text.toString().split('\n');
		expect(lines).toContain('procui_command_duration_seconds_bucket{command="status",le="0.001"} 0');
		expect(lines).toContain('procui_command_duration_seconds_bucket{command="status",le="0.005"} 1');
		expect(lines).toContain('procui_command_duration_seconds_bucket{command="status",le="2.5"} 2');
		expect(lines).toContain('procui_command_duration_seconds_bucket{command="status",le="+Inf"} 2');
		expect(lines).toContain('procui_command_duration_seconds_sum{command="status"} 2.003');
		expect(lines).toContain('procui_command_duration_seconds_count{command="other"} 1');
		expect(checkMetrics(text.toString())).toEqual({output: '', status: 0});
	});
});
