import {describe, expect, test} from 'vitest';
import {formatBytes, formatCpuTime} from '../../source/io/proc-format.js';

describe('formatBytes', () => {
	test('writes bytes below 1 KiB as B', () => {
		expect(formatBytes(512)).toBe('512B');
	});

	test('cuts to two decimals as Circus does', () => {
		expect(formatBytes(1_536_000)).toBe('1.46M');
	});

	test('writes a whole value with .0 as Python does', () => {
		expect(formatBytes(2 * 1024 * 1024)).toBe('2.0M');
		expect(formatBytes(1024)).toBe('1.0K');
	});

	test('uses larger units for larger values', () => {
		expect(formatBytes(3.5 * 1024 ** 3)).toBe('3.5G');
	});
});

describe('formatCpuTime', () => {
	test('writes zero as 0:00.00', () => {
		expect(formatCpuTime(0)).toBe('0:00.00');
	});

	test('writes minutes, seconds and hundredths', () => {
		expect(formatCpuTime(725.37)).toBe('12:05.37');
	});

	test('pads the hundredths', () => {
		expect(formatCpuTime(0.05)).toBe('0:00.05');
	});

	test('does not lose a hundredth to floating point', () => {
		expect(formatCpuTime(29 / 100)).toBe('0:00.29');
	});

	test('keeps counting minutes past an hour', () => {
		expect(formatCpuTime(3725)).toBe('62:05.00');
	});
});
