import { describe, expect, it } from 'vitest';
import { SEVERITIES } from './finding.entity.js';
import { fixfirstScore, priorityOf, urgencyOf, type ScoreInput } from './scoring.js';

const finding = (over: Partial<ScoreInput> = {}): ScoreInput => ({
  severity: 'HIGH',
  confidence: 'CONFIRMED',
  checkId: 'software.known-vulnerable',
  kevFlagged: false,
  knownRansomwareUse: false,
  epssScore: null,
  ...over,
});

describe('fixfirstScore', () => {
  it("reproduces the Fix First API's example: unauthenticated Redis, HIGH, EPSS 0.247 → 8.4 (high, urgent)", () => {
    const score = fixfirstScore(finding({ checkId: 'network.redis-unauthenticated', epssScore: 0.247 }));
    expect(score).toBe(8.4);
    expect(priorityOf(score)).toBe('high');
    expect(urgencyOf(priorityOf(score))).toBe('urgent');
  });

  it('raises the score when a CVE is in KEV, and more with ransomware use', () => {
    for (const severity of SEVERITIES) {
      const plain = fixfirstScore(finding({ severity, epssScore: 0.1 }));
      const kev = fixfirstScore(finding({ severity, epssScore: 0.1, kevFlagged: true }));
      const ransomware = fixfirstScore(finding({ severity, epssScore: 0.1, kevFlagged: true, knownRansomwareUse: true }));
      expect(kev, severity).toBeGreaterThanOrEqual(plain);
      if (severity !== 'CRITICAL') expect(kev, severity).toBeGreaterThan(plain);
      expect(ransomware).toBeGreaterThanOrEqual(kev);
    }
  });

  it('never lowers the score for a higher EPSS', () => {
    for (const severity of SEVERITIES) {
      let last = -1;
      for (let epss = 0; epss <= 1.0001; epss += 0.01) {
        const s = fixfirstScore(finding({ severity, epssScore: epss }));
        expect(s).toBeGreaterThanOrEqual(last);
        last = s;
      }
    }
  });

  it('ranks a KEV-flagged HIGH above a CRITICAL that is not in KEV and has an EPSS below 0.1', () => {
    const kevHigh = fixfirstScore(finding({ severity: 'HIGH', kevFlagged: true, epssScore: 0 }));
    for (const epss of [null, 0, 0.01, 0.05, 0.099]) {
      expect(kevHigh).toBeGreaterThan(fixfirstScore(finding({ severity: 'CRITICAL', epssScore: epss })));
    }
  });

  it('stays within 0-10 and weighs confidence', () => {
    expect(fixfirstScore(finding({ severity: 'CRITICAL', kevFlagged: true, knownRansomwareUse: true, epssScore: 1, checkId: 'network.x' }))).toBe(10);
    expect(fixfirstScore(finding({ severity: 'INFO', checkId: 'exposure.security-txt-missing' }))).toBe(0.5);
    expect(fixfirstScore(finding({ confidence: 'TENTATIVE' }))).toBeLessThan(fixfirstScore(finding({ confidence: 'CONFIRMED' })));
  });

  it('bands priorities and urgencies at their thresholds', () => {
    expect([9, 8.9, 7, 6.9, 4, 3.9, 1, 0.9].map(priorityOf)).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'low', 'low', 'info']);
    expect(urgencyOf('critical')).toBe('immediate');
    expect(urgencyOf('info')).toBe('none');
  });
});
