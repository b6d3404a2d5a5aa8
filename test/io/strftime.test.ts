import {describe, expect, test} from 'vitest';
import {compileStrftime, hasSubsecondField, strftime} from '../../source/io/strftime.js';

// 2024-03-05 07:08:09.123 UTC, a Tuesday, day 65 of a leap year.
const TIME = Date.UTC(2024, 2, 5, 7, 8, 9, 123);

describe('strftime', () => {
	test('formats the date and time fields in UTC', () => {
		expect(strftime('%Y-%m-%d %H:%M:%S', TIME, {utc: true})).toBe('2024-03-05 07:08:09');
	});

	test('gives microseconds for %f, six digits', () => {
		expect(strftime('%f', TIME, {utc: true})).toBe('123000');
		expect(strftime('%f', Date.UTC(2024, 0, 1, 0, 0, 0, 4), {utc: true})).toBe('004000');
	});

	test('gives the two-digit year, month and weekday names', () => {
		expect(strftime('%y %b %a', TIME, {utc: true})).toBe('24 Mar Tue');
	});

	test('counts the day of the year from 001', () => {
		expect(strftime('%j', Date.UTC(2024, 0, 1), {utc: true})).toBe('001');
		expect(strftime('%j', TIME, {utc: true})).toBe('065');
		expect(strftime('%j', Date.UTC(2024, 11, 31), {utc: true})).toBe('366');
	});

	test('names UTC as +0000 and UTC', () => {
		expect(strftime('%z %Z', TIME, {utc: true})).toBe('+0000 UTC');
	});

	test('uses the local time zone by default', () => {
		const local = new Date(TIME);
		const expected = [local.getFullYear(), local.getMonth() + 1, local.getDate(), local.getHours()]
			.map(value => String(value).padStart(2, '0'))
			.join(' ');
		expect(strftime('%Y %m %d %H', TIME)).toBe(expected);
	});

	test('writes the local offset as a sign and four digits', () => {
		expect(strftime('%z', TIME)).toMatch(/^[+-]\d{4}$/);
	});

	test('writes %% as a percent sign', () => {
		expect(strftime('100%% at %H', TIME, {utc: true})).toBe('100% at 07');
	});

	test('copies an unknown directive unchanged', () => {
		expect(strftime('%q %Y %', TIME, {utc: true})).toBe('%q 2024 %');
	});

	test('accepts a Date', () => {
		expect(strftime('%H:%M', new Date(TIME), {utc: true})).toBe('07:08');
	});

	test('compiles a format once for many times', () => {
		const format = compileStrftime('%S', {utc: true});
		expect([format(TIME), format(TIME + 1000)]).toEqual(['09', '10']);
	});

	test('tells whether a format changes within a second', () => {
		expect(hasSubsecondField('%H:%M:%S.%f')).toBe(true);
		expect(hasSubsecondField('%H:%M:%S %%f')).toBe(false);
	});
});
