import { describe, expect, it } from 'vitest';
import { batchSize } from './edge-guard.js';

describe('batch size of a request body', () => {
  const json = 'application/json; charset=utf-8';

  it('counts the operations of a JSON array, after leading whitespace', () => {
    expect(batchSize(Buffer.from(' \n\t[{"query":"{a}"},{"query":"{b}"},{"query":"{c}"}]'), json)).toBe(3);
  });

  it('counts a single operation, an empty batch and malformed JSON as one request', () => {
    expect(batchSize(Buffer.from('{"query":"{a}"}'), json)).toBe(1);
    expect(batchSize(Buffer.from('[]'), json)).toBe(1);
    expect(batchSize(Buffer.from('[{"query":'), json)).toBe(1);
  });

  it('does not parse bodies that are not JSON', () => {
    expect(batchSize(Buffer.from('[1,2,3]'), 'application/graphql')).toBe(1);
    expect(batchSize(Buffer.from('[1,2,3]'), undefined)).toBe(1);
  });
});
