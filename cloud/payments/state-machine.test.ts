import { describe, expect, it } from 'vitest';
import { transition, type PaymentState } from './state-machine.js';

const ok = { amountCheck: 'match' } as const;

describe('payment state machine', () => {
  it('moves a pending payment to its outcome', () => {
    expect(transition('pending', { action: 'succeeded', ...ok })).toEqual({ to: 'succeeded' });
    expect(transition('pending', { action: 'failed', ...ok })).toEqual({ to: 'failed' });
    expect(transition('pending', { action: 'expired', ...ok })).toEqual({ to: 'expired' });
  });

  it('sends an amount mismatch to review, never to succeeded', () => {
    expect(transition('pending', { action: 'succeeded', amountCheck: 'mismatch' }).to).toBe('review');
  });

  it('never moves a final state backwards and ignores a failure after a success', () => {
    for (const from of ['failed', 'expired', 'refunded'] as PaymentState[]) {
      for (const action of ['pending', 'failed', 'expired'] as const) expect(transition(from, { action, ...ok }).to).toBeNull();
    }
    expect(transition('succeeded', { action: 'failed', ...ok }).to).toBeNull();
    expect(transition('succeeded', { action: 'expired', ...ok }).to).toBeNull();
    expect(transition('refunded', { action: 'succeeded', ...ok }).to).toBeNull();
  });

  it('puts a success after a failure in review and lets a success be refunded', () => {
    expect(transition('failed', { action: 'succeeded', ...ok }).to).toBe('review');
    expect(transition('succeeded', { action: 'refunded', ...ok }).to).toBe('refunded');
  });

  it('treats hints and repeats as no change', () => {
    expect(transition('pending', { action: 'check-status', amountCheck: 'unknown' }).to).toBeNull();
    expect(transition('succeeded', { action: 'succeeded', ...ok }).to).toBeNull();
  });
});
