import { describe, expect, it } from 'vitest';
import { ScanDns } from './scan-dns.js';

describe('ScanDns.fromEnv', () => {
  it.each(['127.0.0.53', '127.0.0.53:5353', '::1', '[::1]:53', '::ffff:127.0.0.1', '1.1.1.1, 8.8.8.8:53', ''])('accepts %s', (value) => {
    expect(() => ScanDns.fromEnv(value)).not.toThrow();
  });

  it.each(['dns.example', '127.0.0.53:99999', '127.0.0.53:x', '[::1]:0'])('refuses %s naming the entry', (value) => {
    expect(() => ScanDns.fromEnv(value)).toThrow(`"${value}"`);
  });
});
