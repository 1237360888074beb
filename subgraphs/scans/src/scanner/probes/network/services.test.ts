import { describe, expect, it } from 'vitest';
import { TOP_100_PORTS } from './port-lists.js';
import { EXPOSED_SERVICES, expectsBanner, sanitizeBanner, serviceForPort, serviceFromBanner } from './services.js';

describe('serviceFromBanner', () => {
  it('recognises text greetings', () => {
    expect(serviceFromBanner(Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'))).toBe('ssh');
    expect(serviceFromBanner(Buffer.from('220 (vsFTPd 3.0.3)\r\n'))).toBe('ftp');
    expect(serviceFromBanner(Buffer.from('220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n'))).toBe('smtp');
    expect(serviceFromBanner(Buffer.from('RFB 003.008\n'))).toBe('vnc');
    expect(serviceFromBanner(Buffer.from('-DENIED Redis is running in protected mode\r\n'))).toBe('redis');
    expect(serviceFromBanner(Buffer.from('+OK Dovecot ready.\r\n'))).toBe('pop3');
  });

  it('recognises binary MySQL and Telnet greetings', () => {
    const version = Buffer.from('8.0.36\0', 'latin1');
    const payload = Buffer.concat([Buffer.from([10]), version, Buffer.alloc(20)]);
    const head = Buffer.from([payload.length, 0, 0, 0]);
    expect(serviceFromBanner(Buffer.concat([head, payload]))).toBe('mysql');
    expect(serviceFromBanner(Buffer.from([0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20]))).toBe('telnet');
  });

  it('names nothing for silence or an unknown greeting', () => {
    expect(serviceFromBanner(Buffer.alloc(0))).toBeNull();
    expect(serviceFromBanner(Buffer.from('hello there\r\n'))).toBeNull();
    // A 220 greeting that names neither FTP nor mail is not guessed.
    expect(serviceFromBanner(Buffer.from('220 ready\r\n'))).toBeNull();
  });
});

describe('sanitizeBanner', () => {
  it('keeps the first line only, printable ASCII, cut to 120 characters', () => {
    expect(sanitizeBanner(Buffer.from('220-line one\r\n220 line two\r\n'))).toBe('220-line one');
    expect(sanitizeBanner(Buffer.from([0x4a, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xe9, 0x41]))).toBe('J..[31m.A');
    const long = sanitizeBanner(Buffer.from('x'.repeat(500)));
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('port tables', () => {
  it('list a service for every STANDARD port and expose only ports a real service owns', () => {
    for (const port of TOP_100_PORTS) expect(serviceForPort(port), `port ${port}`).not.toBe('unknown');
    for (const [port, exposed] of EXPOSED_SERVICES) {
      expect(exposed.severity === 'HIGH' || exposed.severity === 'MEDIUM', `port ${port}`).toBe(true);
      expect(serviceForPort(port), `port ${port}`).not.toBe('unknown');
    }
    expect(expectsBanner(22)).toBe(true);
    expect(expectsBanner(443)).toBe(false);
    expect(expectsBanner(9200)).toBe(false);
  });
});
